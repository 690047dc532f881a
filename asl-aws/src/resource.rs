//! What a Task's `Resource` asks for, read as AWS reads it: a Lambda function's ARN, an
//! optimized integration (`arn:aws:states:::sqs:sendMessage.waitForTaskToken`), an AWS SDK
//! integration (`arn:aws:states:::aws-sdk:s3:getObject`), an activity, or something else.

/// How the Task waits for what it started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// The service's answer is the result.
    RequestResponse,
    /// `.sync`: the job's end is the result.
    Sync,
    /// `.sync:2`: as `.sync`, with JSON output parsed.
    Sync2,
    /// `.waitForTaskToken`: the answer sent for the task token is the result.
    WaitForTaskToken,
}

impl Pattern {
    fn suffix(self) -> &'static str {
        match self {
            Pattern::RequestResponse => "",
            Pattern::Sync => ".sync",
            Pattern::Sync2 => ".sync:2",
            Pattern::WaitForTaskToken => ".waitForTaskToken",
        }
    }
}

/// A Task's Resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource<'a> {
    /// `arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]`: the function's
    /// own answer is the result.
    LambdaFunction { arn: &'a str, region: &'a str },
    /// `arn:<partition>:states:::<service>:<action>[.<pattern>]`.
    Optimized { service: &'a str, action: &'a str, pattern: Pattern },
    /// `arn:<partition>:states:::aws-sdk:<service>:<action>[.waitForTaskToken]`.
    Sdk { service: &'a str, action: &'a str, pattern: Pattern },
    /// `arn:<partition>:states:<region>:<account>:activity:<name>`: the engine's to serve.
    Activity,
    /// Not an AWS resource (a handler's own name).
    Other,
}

impl<'a> Resource<'a> {
    pub fn parse(resource: &'a str) -> Resource<'a> {
        let parts: Vec<&str> = resource.splitn(6, ':').collect();
        match parts.as_slice() {
            ["arn", _, "lambda", region, _, rest] if rest.starts_with("function:") => Resource::LambdaFunction { arn: resource, region },
            ["arn", _, "states", _, _, rest] if rest.starts_with("activity:") => Resource::Activity,
            ["arn", _, "states", "", "", rest] => {
                let (target, pattern) = split_pattern(rest);
                match target.split_once(':') {
                    Some(("aws-sdk", sdk)) => match sdk.split_once(':') {
                        Some((service, action)) => Resource::Sdk { service, action, pattern },
                        None => Resource::Other,
                    },
                    Some((service, action)) => Resource::Optimized { service, action, pattern },
                    None => Resource::Other,
                }
            }
            _ => Resource::Other,
        }
    }

    /// How AWS's documentation names the integration: `sqs:sendMessage.waitForTaskToken`,
    /// `aws-sdk:s3:getObject`, `lambda` (a function's ARN).
    pub fn integration_name(&self) -> String {
        match self {
            Resource::LambdaFunction { .. } => "lambda (function ARN)".to_owned(),
            Resource::Optimized { service, action, pattern } => format!("{service}:{action}{}", pattern.suffix()),
            Resource::Sdk { service, action, pattern } => format!("aws-sdk:{service}:{action}{}", pattern.suffix()),
            Resource::Activity => "activity".to_owned(),
            Resource::Other => "none".to_owned(),
        }
    }

    /// The pattern the Task waits with.
    pub fn pattern(&self) -> Pattern {
        match self {
            Resource::Optimized { pattern, .. } | Resource::Sdk { pattern, .. } => *pattern,
            _ => Pattern::RequestResponse,
        }
    }
}

fn split_pattern(rest: &str) -> (&str, Pattern) {
    for pattern in [Pattern::Sync2, Pattern::Sync, Pattern::WaitForTaskToken] {
        if let Some(target) = rest.strip_suffix(pattern.suffix()) {
            return (target, pattern);
        }
    }
    (rest, Pattern::RequestResponse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_read_as_aws_reads_them() {
        assert_eq!(
            Resource::parse("arn:aws:states:::sqs:sendMessage.waitForTaskToken"),
            Resource::Optimized { service: "sqs", action: "sendMessage", pattern: Pattern::WaitForTaskToken }
        );
        assert_eq!(
            Resource::parse("arn:aws:states:::states:startExecution.sync:2"),
            Resource::Optimized { service: "states", action: "startExecution", pattern: Pattern::Sync2 }
        );
        assert_eq!(Resource::parse("arn:aws:states:::aws-sdk:s3:getObject"), Resource::Sdk { service: "s3", action: "getObject", pattern: Pattern::RequestResponse });
        assert_eq!(
            Resource::parse("arn:aws:lambda:eu-west-1:123456789012:function:f:prod"),
            Resource::LambdaFunction { arn: "arn:aws:lambda:eu-west-1:123456789012:function:f:prod", region: "eu-west-1" }
        );
        assert_eq!(Resource::parse("arn:aws:states:us-east-1:123456789012:activity:a"), Resource::Activity);
        assert_eq!(Resource::parse("arn:aws-cn:states:::lambda:invoke").integration_name(), "lambda:invoke");
        assert_eq!(Resource::parse("MyHandler"), Resource::Other);
        assert_eq!(Resource::parse("arn:aws:states:::http:invoke").integration_name(), "http:invoke");
    }
}
