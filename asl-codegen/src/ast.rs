//! The definition as written: one type per state kind, field names from the ASL spec, every
//! value carrying its span. No semantics beyond "this field had this shape"; `check` judges.

use crate::diag::Span;
use crate::json::{Member, Node};

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// A path field that may be set to JSON `null` (InputPath, OutputPath, ResultPath): `None` is null.
pub type NullablePath = Spanned<Option<String>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryLanguage {
    JsonPath,
    Jsonata,
}

/// A top-level machine, a Parallel branch, or a Map's ItemProcessor: `StartAt` + `States`.
#[derive(Debug, Clone, PartialEq)]
pub struct StateMachine {
    pub span: Span,
    pub comment: Option<String>,
    pub start_at: Option<Spanned<String>>,
    pub states: Vec<StateDecl>,
    /// States whose object could not be read (an unknown Type, say; already reported): they
    /// still exist as transition targets, so no "does not exist" follows.
    pub unreadable: Vec<String>,
    /// Top level only.
    pub version: Option<Spanned<String>>,
    /// Top level only: the whole-execution limit.
    pub timeout_seconds: Option<Spanned<u64>>,
    /// Top level only.
    pub query_language: Option<Spanned<QueryLanguage>>,
    /// ItemProcessor only.
    pub processor_config: Option<ProcessorConfig>,
}

/// `"Name": { "Type": ... }` inside `States`.
#[derive(Debug, Clone, PartialEq)]
pub struct StateDecl {
    pub name: String,
    pub name_span: Span,
    pub span: Span,
    pub state: State,
}

/// The fields every state kind may share; which ones a kind accepts is checked while parsing.
/// The ones most states leave out are boxed: a definition may hold 20,000 states, and each
/// would otherwise carry the room of every field it does not have.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Common {
    pub comment: Option<String>,
    pub query_language: Option<Spanned<QueryLanguage>>,
    pub next: Option<Spanned<String>>,
    pub end: Option<Spanned<bool>>,
    pub input_path: Option<Box<NullablePath>>,
    pub output_path: Option<Box<NullablePath>>,
    pub parameters: Option<Box<Node>>,
    pub result_selector: Option<Box<Node>>,
    pub result_path: Option<Box<NullablePath>>,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
    /// JSONata-only and variable fields: kept as written, judged by `check`.
    pub assign: Option<Box<Node>>,
    pub output: Option<Box<Node>>,
    pub arguments: Option<Box<Node>>,
    /// Fields given as JSONata expressions (`"{% … %}"` strings) where a JSONata state allows
    /// one in place of a number or literal (TimeoutSeconds, Seconds, Error, …).
    pub jsonata: Vec<Member>,
    /// A field that looks like a misspelt `Next` or `End` (reported as unknown): the missing
    /// transition is then not reported again.
    pub transition_misspelt: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub type_span: Span,
    pub common: Common,
    pub kind: StateKind,
}

#[derive(Debug, Clone, PartialEq)]
/// The larger kinds are boxed: a definition may hold 20,000 states, and each would otherwise
/// take the room of the largest.
pub enum StateKind {
    Pass(Pass),
    Task(Box<Task>),
    Choice(Choice),
    Wait(Box<Wait>),
    Succeed,
    Fail(Box<Fail>),
    Parallel(Parallel),
    Map(Box<Map>),
}

impl StateKind {
    /// The `Type` string as written in ASL.
    pub fn type_name(&self) -> &'static str {
        match self {
            StateKind::Pass(_) => "Pass",
            StateKind::Task(_) => "Task",
            StateKind::Choice(_) => "Choice",
            StateKind::Wait(_) => "Wait",
            StateKind::Succeed => "Succeed",
            StateKind::Fail(_) => "Fail",
            StateKind::Parallel(_) => "Parallel",
            StateKind::Map(_) => "Map",
        }
    }

    /// The machines it holds: the branches of a Parallel or the processor of a Map.
    pub fn nested_machines(&self) -> Vec<&StateMachine> {
        match self {
            StateKind::Parallel(p) => p.branches.iter().collect(),
            StateKind::Map(m) => m.processor.iter().collect(),
            _ => Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Pass {
    pub result: Option<Node>,
}

/// A number-or-path pair such as TimeoutSeconds / TimeoutSecondsPath.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SecondsField {
    pub seconds: Option<Spanned<u64>>,
    pub path: Option<Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub resource: Spanned<String>,
    pub timeout: SecondsField,
    pub heartbeat: SecondsField,
    pub credentials: Option<Node>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub choices: Spanned<Vec<ChoiceRule>>,
    pub default: Option<Spanned<String>>,
}

/// A Choice rule. Top-level rules carry `Next` and may carry `Assign` (run when the rule is
/// the one chosen); nested ones (inside And/Or/Not) must not.
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceRule {
    pub span: Span,
    pub next: Option<Spanned<String>>,
    pub assign: Option<Box<Node>>,
    /// JSONata: the state's output when this rule is chosen.
    pub output: Option<Box<Node>>,
    pub kind: RuleKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RuleKind {
    And(Vec<ChoiceRule>),
    Or(Vec<ChoiceRule>),
    Not(Box<ChoiceRule>),
    /// `Variable` + one comparison operator.
    Data { variable: Spanned<String>, op: Spanned<ComparisonOp>, operand: Node },
    /// JSONata `Condition`.
    Condition(Node),
    /// Already reported while parsing; kept so the rest of the machine is still checked.
    Invalid,
}

/// Every JSONPath Choice operator, named as in the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ComparisonOp {
    StringEquals, StringEqualsPath, StringLessThan, StringLessThanPath, StringGreaterThan,
    StringGreaterThanPath, StringLessThanEquals, StringLessThanEqualsPath, StringGreaterThanEquals,
    StringGreaterThanEqualsPath, StringMatches,
    NumericEquals, NumericEqualsPath, NumericLessThan, NumericLessThanPath, NumericGreaterThan,
    NumericGreaterThanPath, NumericLessThanEquals, NumericLessThanEqualsPath, NumericGreaterThanEquals,
    NumericGreaterThanEqualsPath,
    BooleanEquals, BooleanEqualsPath,
    TimestampEquals, TimestampEqualsPath, TimestampLessThan, TimestampLessThanPath, TimestampGreaterThan,
    TimestampGreaterThanPath, TimestampLessThanEquals, TimestampLessThanEqualsPath,
    TimestampGreaterThanEquals, TimestampGreaterThanEqualsPath,
    IsNull, IsPresent, IsNumeric, IsString, IsBoolean, IsTimestamp,
}

/// What an operator's operand must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperandKind {
    String,
    Number,
    Boolean,
    Timestamp,
    /// A Path on the effective input (`…Path` operators).
    Path,
    /// `true`/`false` of a type test.
    TypeTest,
}

macro_rules! comparison_ops {
    ($($op:ident => $kind:ident),* $(,)?) => {
        impl ComparisonOp {
            pub const ALL: &'static [ComparisonOp] = &[$(ComparisonOp::$op),*];

            pub fn name(self) -> &'static str {
                match self { $(ComparisonOp::$op => stringify!($op)),* }
            }

            pub fn operand(self) -> OperandKind {
                match self { $(ComparisonOp::$op => OperandKind::$kind),* }
            }
        }
    };
}

comparison_ops! {
    StringEquals => String, StringEqualsPath => Path, StringLessThan => String,
    StringLessThanPath => Path, StringGreaterThan => String, StringGreaterThanPath => Path,
    StringLessThanEquals => String, StringLessThanEqualsPath => Path,
    StringGreaterThanEquals => String, StringGreaterThanEqualsPath => Path, StringMatches => String,
    NumericEquals => Number, NumericEqualsPath => Path, NumericLessThan => Number,
    NumericLessThanPath => Path, NumericGreaterThan => Number, NumericGreaterThanPath => Path,
    NumericLessThanEquals => Number, NumericLessThanEqualsPath => Path,
    NumericGreaterThanEquals => Number, NumericGreaterThanEqualsPath => Path,
    BooleanEquals => Boolean, BooleanEqualsPath => Path,
    TimestampEquals => Timestamp, TimestampEqualsPath => Path, TimestampLessThan => Timestamp,
    TimestampLessThanPath => Path, TimestampGreaterThan => Timestamp,
    TimestampGreaterThanPath => Path, TimestampLessThanEquals => Timestamp,
    TimestampLessThanEqualsPath => Path, TimestampGreaterThanEquals => Timestamp,
    TimestampGreaterThanEqualsPath => Path,
    IsNull => TypeTest, IsPresent => TypeTest, IsNumeric => TypeTest, IsString => TypeTest,
    IsBoolean => TypeTest, IsTimestamp => TypeTest,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Wait {
    /// The spans of the duration fields written (valid or not), to check that there is one.
    pub given: Vec<Span>,
    pub seconds: Option<Spanned<u64>>,
    pub seconds_path: Option<Spanned<String>>,
    pub timestamp: Option<Spanned<String>>,
    pub timestamp_path: Option<Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fail {
    pub error: Option<Spanned<String>>,
    pub cause: Option<Spanned<String>>,
    pub error_path: Option<Spanned<String>>,
    pub cause_path: Option<Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Parallel {
    pub branches: Vec<StateMachine>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Map {
    /// `ItemProcessor`, or the deprecated `Iterator`.
    pub processor: Option<StateMachine>,
    pub items_path: Option<Spanned<String>>,
    pub items: Option<Node>,
    /// `ItemSelector`, or the deprecated `Parameters` (kept in `Common::parameters`).
    pub item_selector: Option<Node>,
    pub max_concurrency: Option<Spanned<u64>>,
    pub max_concurrency_path: Option<Spanned<String>>,
    pub tolerated_failure_count: Option<Spanned<u64>>,
    pub tolerated_failure_count_path: Option<Spanned<String>>,
    pub tolerated_failure_percentage: Option<Spanned<f64>>,
    pub tolerated_failure_percentage_path: Option<Spanned<String>>,
    pub item_reader: Option<Node>,
    pub item_batcher: Option<Node>,
    pub result_writer: Option<Node>,
    pub label: Option<Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProcessorMode {
    Inline,
    Distributed,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProcessorConfig {
    pub span: Span,
    pub mode: Option<Spanned<ProcessorMode>>,
    pub execution_type: Option<Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Retrier {
    pub span: Span,
    pub error_equals: Spanned<Vec<Spanned<String>>>,
    pub interval_seconds: Option<Spanned<u64>>,
    pub max_attempts: Option<Spanned<u64>>,
    pub backoff_rate: Option<Spanned<f64>>,
    pub max_delay_seconds: Option<Spanned<u64>>,
    pub jitter_strategy: Option<Spanned<JitterStrategy>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JitterStrategy {
    Full,
    None,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Catcher {
    pub span: Span,
    pub error_equals: Spanned<Vec<Spanned<String>>>,
    pub next: Spanned<String>,
    pub result_path: Option<NullablePath>,
    pub assign: Option<Node>,
    pub output: Option<Node>,
}
