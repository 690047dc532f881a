//! The checked graph: what `emit` turns into Rust. States refer to each other by index; paths,
//! templates, intrinsic calls and Choice rules are already parsed, so emitting cannot fail.

use crate::lang::intrinsic::IntrinsicFn;
use crate::lang::jsonpath::{JsonPath, Root};
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

impl Workflow {
    /// Every Task state, nested machines included (state names are unique across them all).
    pub fn tasks(&self) -> Vec<(&State, &Task)> {
        let mut out = Vec::new();
        for s in &self.states {
            match &s.kind {
                Kind::Task(t) => out.push((s, t)),
                _ => out.extend(s.nested().into_iter().flat_map(Workflow::tasks)),
            }
        }
        out
    }

    /// Whether any state, nested machines included, reads the Context object.
    pub fn reads_context(&self) -> bool {
        self.states.iter().any(|s| s.uses_context() || s.nested().iter().any(|w| w.reads_context()))
    }

    /// Whether any state reads `$$.State.EnteredTime` (or the whole Context object).
    pub fn reads_entered_time(&self) -> bool {
        self.states.iter().any(|s| s.context_paths().into_iter().any(JsonPath::reads_entered_time))
    }
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
    pub kind: Kind,
}

impl State {
    /// The machines nested in a Parallel or Map state.
    pub fn nested(&self) -> Vec<&Workflow> {
        match &self.kind {
            Kind::Parallel(p) => p.branches.iter().collect(),
            Kind::Map(m) => vec![&m.processor],
            _ => Vec::new(),
        }
    }

    /// Every payload template the state evaluates.
    pub fn templates(&self) -> Vec<&Template> {
        let mut out = Vec::new();
        match &self.kind {
            Kind::Pass(p) => out.extend(&p.parameters),
            Kind::Task(t) => out.extend([&t.parameters, &t.outcome.result_selector, &t.credentials].into_iter().flatten()),
            Kind::Parallel(p) => out.extend([&p.parameters, &p.outcome.result_selector].into_iter().flatten()),
            Kind::Map(m) => {
                out.extend([&m.item_selector, &m.outcome.result_selector].into_iter().flatten());
                if let MapMode::Distributed { reader, batcher, writer, .. } = &m.mode {
                    out.extend(reader.iter().filter_map(|r| r.parameters.as_ref()));
                    out.extend(batcher.iter().filter_map(|b| b.batch_input.as_ref()));
                    out.extend(writer.iter().filter_map(|w| w.parameters.as_ref()));
                }
            }
            Kind::Fail(f) => out.extend([&f.error, &f.cause].into_iter().flatten().filter_map(|s| match s {
                Source::Template(t) => Some(t),
                Source::Literal(_) => None,
            })),
            _ => {}
        }
        out
    }

    /// Every Context-object (`$$`) path this state evaluates.
    pub fn context_paths(&self) -> Vec<&JsonPath> {
        let mut out = Vec::new();
        self.collect_paths(&mut out);
        out.retain(|p| p.root == Root::Context);
        out
    }

    pub fn uses_context(&self) -> bool {
        !self.context_paths().is_empty()
    }

    /// Whether an intrinsic here draws randomness (States.MathRandom unseeded, States.UUID).
    pub fn needs_rng(&self) -> bool {
        let mut found = false;
        for t in self.templates() {
            t.visit(&mut |_| {}, &mut |c| found |= c.needs_rng());
        }
        found
    }
}

impl Workflow {
    /// Every path the workflow evaluates, in state order (with repeats).
    pub fn paths(&self) -> Vec<&JsonPath> {
        let mut out = Vec::new();
        for s in &self.states {
            s.collect_paths(&mut out);
        }
        out
    }
}

impl State {
    fn collect_paths<'a>(&'a self, out: &mut Vec<&'a JsonPath>) {
        for p in [&self.input_path, &self.output_path] {
            if let PathSetting::Path(p) = p {
                out.push(p);
            }
        }
        for t in self.templates() {
            t.visit(&mut |p| out.push(p), &mut |_| {});
        }
        let result_path = |rp: &'a ResultPath, out: &mut Vec<&'a JsonPath>| {
            if let ResultPath::At(p) = rp {
                out.push(p);
            }
        };
        match &self.kind {
            Kind::Pass(p) => result_path(&p.result_path, out),
            Kind::Task(t) => {
                t.outcome.collect_paths(out);
                for s in [&t.timeout, &t.heartbeat] {
                    if let Seconds::Path(p) = s {
                        out.push(p);
                    }
                }
            }
            Kind::Parallel(p) => p.outcome.collect_paths(out),
            Kind::Map(m) => {
                m.outcome.collect_paths(out);
                out.extend(&m.items_path);
                if let Concurrency::Path(p) = &m.max_concurrency {
                    out.push(p);
                }
                if let MapMode::Distributed { tolerated_count, tolerated_percentage, reader, batcher, .. } = &m.mode {
                    if let Some(Tolerated::Path(p)) = tolerated_count {
                        out.push(p);
                    }
                    if let Some(Tolerated::Path(p)) = tolerated_percentage {
                        out.push(p);
                    }
                    out.extend(reader.iter().filter_map(|r| r.max_items_path.as_ref()));
                    if let Some(b) = batcher {
                        for limit in [&b.max_items, &b.max_bytes] {
                            if let Some(Tolerated::Path(p)) = limit {
                                out.push(p);
                            }
                        }
                    }
                }
            }
            Kind::Choice(c) => c.rules.iter().for_each(|(cond, _)| cond.collect_paths(out)),
            Kind::Wait(w) => match &w.wait_for {
                WaitFor::SecondsPath(p) | WaitFor::TimestampPath(p) => out.push(p),
                WaitFor::Seconds(_) | WaitFor::Timestamp(_) => {}
            },
            Kind::Succeed | Kind::Fail(_) => {}
        }
    }
}

impl Outcome {
    fn collect_paths<'a>(&'a self, out: &mut Vec<&'a JsonPath>) {
        for rp in std::iter::once(&self.result_path).chain(self.catch.iter().map(|c| &c.result_path)) {
            if let ResultPath::At(p) = rp {
                out.push(p);
            }
        }
    }
}

impl Condition {
    fn collect_paths<'a>(&'a self, out: &mut Vec<&'a JsonPath>) {
        match self {
            Condition::And(cs) | Condition::Or(cs) => cs.iter().for_each(|c| c.collect_paths(out)),
            Condition::Not(c) => c.collect_paths(out),
            Condition::Test { variable, test } => {
                out.push(variable);
                match test {
                    Test::StringPath(_, p) | Test::NumericPath(_, p) | Test::TimestampPath(_, p) | Test::BooleanPath(p) => out.push(p),
                    _ => {}
                }
            }
        }
    }
}

impl Template {
    /// Calls `on_path` for every path and `on_call` for every intrinsic call inside.
    pub fn visit<'a>(&'a self, on_path: &mut impl FnMut(&'a JsonPath), on_call: &mut impl FnMut(&'a Call)) {
        match self {
            Template::Object(members) => members.iter().for_each(|(_, v)| v.visit(on_path, on_call)),
            Template::Array(items) => items.iter().for_each(|v| v.visit(on_path, on_call)),
            Template::Literal(_) => {}
            Template::Path { path, .. } => on_path(path),
            Template::Intrinsic { call, .. } => call.visit(on_path, on_call),
        }
    }
}

impl Call {
    fn visit<'a>(&'a self, on_path: &mut impl FnMut(&'a JsonPath), on_call: &mut impl FnMut(&'a Call)) {
        on_call(self);
        for arg in &self.args {
            match arg {
                Arg::Path(p) => on_path(p),
                Arg::Call(c) => c.visit(on_path, on_call),
                Arg::Literal(_) => {}
            }
        }
    }

    /// `States.UUID`, and `States.MathRandom` without a seed.
    pub fn needs_rng(&self) -> bool {
        self.func.needs_rng_for(self.args.len())
    }
}

/// InputPath / OutputPath.
#[derive(Debug, Clone)]
pub enum PathSetting {
    /// `$`, or absent.
    Identity,
    /// JSON `null`: `{}`.
    Null,
    Path(JsonPath),
}

/// ResultPath.
#[derive(Debug, Clone)]
pub enum ResultPath {
    Replace,
    Discard,
    At(JsonPath),
}

#[derive(Debug, Clone)]
pub enum Transition {
    Next(usize),
    End,
}

#[derive(Debug, Clone)]
pub enum Kind {
    Pass(Pass),
    Task(Task),
    Choice(Choice),
    Wait(Wait),
    Succeed,
    Fail(Fail),
    Parallel(Parallel),
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
    /// ItemSelector, or the older Parameters.
    pub item_selector: Option<Template>,
    pub max_concurrency: Concurrency,
    pub mode: MapMode,
    pub processor: Workflow,
    pub outcome: Outcome,
}

#[derive(Debug, Clone)]
pub enum MapMode {
    Inline,
    /// Iterations as child executions, failures tolerated up to these thresholds.
    Distributed {
        tolerated_count: Option<Tolerated<u64>>,
        tolerated_percentage: Option<Tolerated<f64>>,
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
    /// ReaderConfig as written (checked by the runtime's `ReaderConfig::from_json`).
    pub config: Value,
    pub max_items_path: Option<JsonPath>,
}

#[derive(Debug, Clone)]
pub struct ItemBatcher {
    pub max_items: Option<Tolerated<u64>>,
    pub max_bytes: Option<Tolerated<u64>>,
    pub batch_input: Option<Template>,
}

#[derive(Debug, Clone)]
pub struct ResultWriter {
    pub resource: String,
    pub parameters: Option<Template>,
    pub config: Value,
}

/// A ToleratedFailure… value: literal, or read from the input by its …Path field.
#[derive(Debug, Clone)]
pub enum Tolerated<T> {
    Literal(T),
    Path(JsonPath),
}

#[derive(Debug, Clone)]
pub enum Concurrency {
    /// 0 means no limit set.
    Literal(u64),
    Path(JsonPath),
}

#[derive(Debug, Clone)]
pub struct Pass {
    pub parameters: Option<Template>,
    pub result: Option<Value>,
    pub result_path: ResultPath,
    pub transition: Transition,
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
}

#[derive(Debug, Clone)]
pub struct Choice {
    pub rules: Vec<(Condition, usize)>,
    pub default: Option<usize>,
}

#[derive(Debug, Clone)]
pub enum Condition {
    And(Vec<Condition>),
    Or(Vec<Condition>),
    Not(Box<Condition>),
    Test { variable: JsonPath, test: Test },
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

/// A payload template (Parameters, ResultSelector, Credentials).
#[derive(Debug, Clone)]
pub enum Template {
    Object(Vec<(String, Template)>),
    Array(Vec<Template>),
    Literal(Value),
    /// `"key.$": "$.path"`; `field` is the key as written, for error texts.
    Path { path: JsonPath, field: String },
    Intrinsic { call: Call, field: String },
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
