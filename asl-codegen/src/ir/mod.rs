//! The checked graph: what `emit` turns into Rust. States refer to each other by index; paths,
//! templates, intrinsic calls and Choice rules are already parsed, so emitting cannot fail.
//! The types are here; `visit` reads them (paths, templates, Tasks), `names` makes state names
//! into Rust identifiers.

pub mod names;
mod visit;

use crate::lang::intrinsic::IntrinsicFn;
use crate::lang::jsonpath::JsonPath;
use serde_json::Value;

/// One definition, ready to emit.
#[derive(Debug, Clone)]
pub struct Workflow {
    /// The machine's name: the definition file's stem.
    pub name: String,
    pub comment: Option<String>,
    pub timeout_seconds: Option<u64>,
    pub start: usize,
    pub states: Vec<State>,
}

#[derive(Debug, Clone)]
pub struct State {
    /// As written in the definition.
    pub name: String,
    /// The `State` enum variant (UpperCamelCase, unique).
    pub variant: String,
    /// The function and Task method name (snake_case, unique).
    pub ident: String,
    pub comment: Option<String>,
    pub input_path: PathSetting,
    pub output_path: PathSetting,
    /// `Assign`: applied when the state moves on normally (for a Choice state, when it takes
    /// its Default). Boxed: most states have none.
    pub assign: Option<Box<Template>>,
    /// A JSONata state's `Output`: what it hands on, evaluated last (its `$states.result` is
    /// a Task's, Map's or Parallel's result). `None` in JSONPath states.
    pub output: Option<Box<Template>>,
    /// The state's QueryLanguage is JSONata: its templates' expressions read `$states`.
    pub jsonata: bool,
    pub kind: Kind,
}

/// InputPath / OutputPath.
#[derive(Debug, Clone)]
pub enum PathSetting {
    /// `$`, or absent.
    Identity,
    /// JSON `null`: `{}`.
    Null,
    /// Boxed, as the large rare fields of a state are: a state takes the room of what it has.
    Path(Box<JsonPath>),
}

/// ResultPath.
#[derive(Debug, Clone)]
pub enum ResultPath {
    Replace,
    Discard,
    At(Box<JsonPath>),
}

#[derive(Debug, Clone)]
pub enum Transition {
    Next(usize),
    End,
}

#[derive(Debug, Clone)]
/// The larger kinds are boxed, so a state takes the room of what it is, not of the largest
/// kind (a definition may hold 20,000 states).
pub enum Kind {
    Pass(Pass),
    Task(Box<Task>),
    Choice(Choice),
    Wait(Wait),
    Succeed,
    Fail(Box<Fail>),
    Parallel(Box<Parallel>),
    Map(Box<Map>),
}

impl Kind {
    /// The state's `Type` as written in ASL (it names the state's history events).
    pub fn type_name(&self) -> &'static str {
        match self {
            Kind::Pass(_) => "Pass",
            Kind::Task(_) => "Task",
            Kind::Choice(_) => "Choice",
            Kind::Wait(_) => "Wait",
            Kind::Succeed => "Succeed",
            Kind::Fail(_) => "Fail",
            Kind::Parallel(_) => "Parallel",
            Kind::Map(_) => "Map",
        }
    }

    /// Whether the state awaits anything (a Task call, a timer, child executions); the others
    /// run to their transition at once.
    pub fn waits(&self) -> bool {
        matches!(self, Kind::Task(_) | Kind::Wait(_) | Kind::Parallel(_) | Kind::Map(_))
    }
}

/// What Parallel, Map and Task share: the state's result handling and error handling.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub result_selector: Option<Template>,
    pub result_path: ResultPath,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
    pub transition: Transition,
}

#[derive(Debug, Clone)]
pub struct Parallel {
    pub parameters: Option<Template>,
    /// Each branch is a machine of its own.
    pub branches: Vec<Workflow>,
    pub outcome: Outcome,
}

/// An inline Map.
#[derive(Debug, Clone)]
pub struct Map {
    /// ItemsPath (`None`: the effective input itself).
    pub items_path: Option<JsonPath>,
    /// JSONata `Items`: the array to iterate (an expression or a literal array).
    pub items: Option<Template>,
    /// A JSONata Map without `Items`: its input, which must be an array (else
    /// `States.QueryEvaluationError`, where JSONPath says `States.Runtime`).
    pub jsonata_input: bool,
    /// ItemSelector, or the older Parameters.
    pub item_selector: Option<Template>,
    /// A literal 0 means no limit set.
    pub max_concurrency: NumberSetting<u64>,
    pub mode: MapMode,
    pub processor: Workflow,
    pub outcome: Outcome,
}

/// How a Map runs its iterations. (One per Map state, built once per compile: the size of the
/// distributed variant costs nothing worth a box.)
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum MapMode {
    Inline,
    /// Iterations as child executions, failures tolerated up to these thresholds.
    Distributed {
        tolerated_count: Option<NumberSetting<u64>>,
        tolerated_percentage: Option<NumberSetting<f64>>,
        reader: Option<ItemReader>,
        batcher: Option<ItemBatcher>,
        writer: Option<ResultWriter>,
        label: String,
    },
}

/// Where a distributed Map's items come from (instead of its input).
#[derive(Debug, Clone)]
pub struct ItemReader {
    pub resource: String,
    pub parameters: Option<Template>,
    /// ReaderConfig as written (checked by the runtime's `ReaderConfig::from_json`), less a
    /// MaxItems that is read at run time.
    pub config: Value,
    /// MaxItemsPath, or a JSONata MaxItems.
    pub max_items: Option<NumberSetting<u64>>,
}

#[derive(Debug, Clone)]
pub struct ItemBatcher {
    pub max_items: Option<NumberSetting<u64>>,
    pub max_bytes: Option<NumberSetting<u64>>,
    pub batch_input: Option<Template>,
}

#[derive(Debug, Clone)]
pub struct ResultWriter {
    pub resource: String,
    pub parameters: Option<Template>,
    pub config: Value,
}

/// A number setting of a Map (MaxConcurrency, ToleratedFailure…, MaxItems…): literal, read
/// from the input by its …Path field, or a JSONata expression.
#[derive(Debug, Clone)]
pub enum NumberSetting<T> {
    Literal(T),
    Path(JsonPath),
    Jsonata(Box<Query>),
}

#[derive(Debug, Clone)]
pub struct Pass {
    pub parameters: Option<Box<Template>>,
    pub result: Option<Box<Literal>>,
    pub result_path: ResultPath,
    pub transition: Transition,
}

/// What the typed `Tasks` trait needs of a Task state: its name, its method's name and its
/// Resource (for the method's documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskSignature {
    pub name: String,
    pub ident: String,
    pub resource: String,
}

#[derive(Debug, Clone)]
pub struct Task {
    pub resource: String,
    pub parameters: Option<Template>,
    pub credentials: Option<Template>,
    pub timeout: Seconds,
    pub heartbeat: Seconds,
    pub outcome: Outcome,
}

impl Task {
    /// `.waitForTaskToken` resources get `$$.Task.Token`.
    pub fn wants_token(&self) -> bool {
        self.resource.ends_with(".waitForTaskToken")
    }

    /// `.sync`, `.sync:2` and callback resources: AWS records a TaskSubmitted event for them.
    pub fn waits_for_completion(&self) -> bool {
        self.wants_token() || self.resource.ends_with(".sync") || self.resource.ends_with(".sync:2")
    }
}

/// A number of seconds given literally or by a path (TimeoutSeconds, HeartbeatSeconds).
#[derive(Debug, Clone)]
pub enum Seconds {
    None,
    Literal(u64),
    Path(JsonPath),
    /// A JSONata expression.
    Jsonata(Box<Query>),
}

#[derive(Debug, Clone)]
pub struct Retrier {
    pub error_equals: Vec<String>,
    pub interval_seconds: u64,
    pub max_attempts: u64,
    pub backoff_rate: f64,
    pub max_delay_seconds: Option<u64>,
    pub full_jitter: bool,
}

#[derive(Debug, Clone)]
pub struct Catcher {
    pub error_equals: Vec<String>,
    pub next: usize,
    pub result_path: ResultPath,
    /// Evaluated on the error output when this Catcher is the one taken.
    pub assign: Option<Template>,
    /// JSONata: the output handed to `next` (else the error output).
    pub output: Option<Template>,
}

#[derive(Debug, Clone)]
pub struct Choice {
    pub rules: Vec<ChoiceRule>,
    pub default: Option<usize>,
}

/// A top-level Choice rule: where it goes when its condition holds, and what it assigns then.
#[derive(Debug, Clone)]
pub struct ChoiceRule {
    pub condition: Condition,
    pub next: usize,
    pub assign: Option<Template>,
    /// JSONata: the state's output when this rule is chosen.
    pub output: Option<Template>,
}

#[derive(Debug, Clone)]
pub enum Condition {
    And(Vec<Condition>),
    Or(Vec<Condition>),
    Not(Box<Condition>),
    Test { variable: JsonPath, test: Test },
    /// A JSONata `Condition`.
    Jsonata(Box<Query>),
}

/// Comparisons as in `asl_runtime::choice::Cmp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Equals,
    LessThan,
    GreaterThan,
    LessThanEquals,
    GreaterThanEquals,
}

#[derive(Debug, Clone)]
pub enum Test {
    String(Cmp, String),
    Numeric(Cmp, f64),
    Boolean(bool),
    Timestamp(Cmp, String),
    StringPath(Cmp, JsonPath),
    NumericPath(Cmp, JsonPath),
    BooleanPath(JsonPath),
    TimestampPath(Cmp, JsonPath),
    StringMatches(String),
    /// `IsPresent` is the one test that works on a missing value.
    IsPresent(bool),
    Is(TypeTest, bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeTest {
    Null,
    Numeric,
    String,
    Boolean,
    Timestamp,
}

#[derive(Debug, Clone)]
pub struct Wait {
    pub wait_for: WaitFor,
    pub transition: Transition,
}

/// The one of Seconds, SecondsPath, Timestamp, TimestampPath a Wait state gives.
#[derive(Debug, Clone)]
pub enum WaitFor {
    Seconds(u64),
    SecondsPath(JsonPath),
    Timestamp(String),
    TimestampPath(JsonPath),
    /// JSONata `Seconds` (`seconds: true`) or `Timestamp`.
    Jsonata { seconds: bool, query: Box<Query> },
}

#[derive(Debug, Clone)]
pub struct Fail {
    pub error: Option<Source>,
    pub cause: Option<Source>,
}

/// A Fail state's Error/Cause: a literal, or computed from the input.
#[derive(Debug, Clone)]
pub enum Source {
    Literal(String),
    /// ErrorPath / CausePath: a path or an intrinsic, in a one-field template.
    Template(Template),
}

/// A constant JSON value of the definition (a Pass state's Result, a template part without
/// `.$` keys).
#[derive(Debug, Clone)]
pub enum Literal {
    /// Built by constructors in the generated code.
    Value(Value),
    /// Large ones ([`Literal::LARGE`] values or more), as their JSON text: the generated code
    /// parses it once, at first use. As constructors they would take code, and compile time
    /// and memory, hundreds of times their size; as a `Value` here, ten times it.
    Json(String),
}

impl Literal {
    /// Literals of this many values or more are kept as JSON text.
    pub const LARGE: usize = 64;
}

/// A payload template (Parameters, ResultSelector, Credentials, and an Assign: an object of
/// variable names).
#[derive(Debug, Clone)]
pub enum Template {
    Object(Vec<(String, Template)>),
    Array(Vec<Template>),
    Literal(Literal),
    /// `"key.$": "$.path"`; `field` is the key as written, for error texts.
    Path { path: JsonPath, field: String },
    Intrinsic { call: Call, field: String },
    /// `"{% … %}"`: a JSONata expression, as written (`text`, for error causes) and parsed;
    /// `location` names the field for AWS's errors (`Output`, `Arguments/FunctionName`).
    Jsonata(Box<Query>),
}

/// One JSONata expression of a state.
#[derive(Debug, Clone)]
pub struct Query {
    pub expr: crate::lang::jsonata::Expr,
    pub text: String,
    pub location: String,
    /// It reads `$states.context`.
    pub reads_context: bool,
}

/// An intrinsic call with its path arguments parsed.
#[derive(Debug, Clone)]
pub struct Call {
    pub func: IntrinsicFn,
    pub args: Vec<Arg>,
}

#[derive(Debug, Clone)]
pub enum Arg {
    Literal(Value),
    Path(JsonPath),
    Call(Call),
}
