//! ARNs as the API receives them: which kind of Step Functions resource one names. An ARN of
//! another kind (an activity's given as a state machine's) is refused (the API's InvalidArn)
//! before anything is looked up; a bare name, which AWS would refuse, is taken as the name it
//! is (a local convenience the `asl` commands rely on).


/// The kinds of resource the API looks up by ARN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    StateMachine,
    Execution,
    Activity,
    MapRun,
}

impl Kind {
    /// The resource type as ARNs write it.
    fn resource_type(self) -> &'static str {
        match self {
            Kind::StateMachine => "stateMachine",
            Kind::Execution => "execution",
            Kind::Activity => "activity",
            Kind::MapRun => "mapRun",
        }
    }
}

/// Checks that `text`, if it is an ARN, names a Step Functions resource of `kind`.
pub fn check(text: &str, kind: Kind) -> Result<(), InvalidArn> {
    if !text.starts_with("arn:") {
        return Ok(());
    }
    // arn:<partition>:states:<region>:<account>:<type>:<name>…
    let parts: Vec<&str> = text.splitn(7, ':').collect();
    let [_, _, service, _, _, resource_type, name] = parts.as_slice() else {
        return Err(invalid(format!("Invalid ARN prefix: {text}")));
    };
    if *service != "states" || name.is_empty() {
        return Err(invalid(format!("Invalid ARN prefix: {text}")));
    }
    if *resource_type != kind.resource_type() {
        return Err(invalid(format!("Resource type not valid in this context: {resource_type}")));
    }
    Ok(())
}

/// Why an ARN is refused; the API answers it as AWS's `InvalidArn`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Invalid Arn: '{0}'")]
pub struct InvalidArn(String);

impl InvalidArn {
    pub fn new(reason: impl Into<String>) -> Self {
        InvalidArn(reason.into())
    }
}

fn invalid(reason: String) -> InvalidArn {
    InvalidArn(reason)
}

#[cfg(test)]
mod tests {
    use super::{check, Kind};

    #[test]
    fn arns_of_another_kind_are_invalid_here() {
        let activity = "arn:aws:states:us-east-1:123456789012:activity:review";
        assert!(check(activity, Kind::Activity).is_ok());
        let message = |text: &str, kind| check(text, kind).unwrap_err().to_string();
        assert_eq!(message(activity, Kind::StateMachine), "Invalid Arn: 'Resource type not valid in this context: activity'");
        let express = "arn:aws:states:us-east-1:123456789012:express:m:e:1";
        assert_eq!(message(express, Kind::Execution), "Invalid Arn: 'Resource type not valid in this context: express'");
        assert_eq!(message("arn:aws:lambda:x", Kind::Execution), "Invalid Arn: 'Invalid ARN prefix: arn:aws:lambda:x'");
        assert!(check("arn:aws:sqs:us-east-1:1:stateMachine:m", Kind::StateMachine).is_err());
        assert!(check("just-a-name", Kind::StateMachine).is_ok(), "a bare name is looked up as a name");
    }
}
