//! Reading the checked graph: the Task states of a workflow and its nested machines, every
//! path and template a state evaluates, and what follows from them (whether the Context
//! object, its entered time or the RNG are needed). The emitters ask; nothing here builds.

use super::{
    Arg, Call, Condition, Kind, Map, MapMode, Outcome, PathSetting, ResultPath, Seconds, Source, State, Task,
    TaskSignature, Template, Test, NumberSetting, WaitFor, Workflow,
};
use crate::lang::jsonpath::{JsonPath, Root};

impl Workflow {
    /// Every Task state, nested machines included (state names are unique across them all).
    pub fn tasks(&self) -> Vec<(&State, &Task)> {
        let mut out = Vec::new();
        for s in &self.states {
            match &s.kind {
                Kind::Task(t) => out.push((s, &**t)),
                _ => out.extend(s.nested().into_iter().flat_map(Workflow::tasks)),
            }
        }
        out
    }

    /// The Task states' signatures, in [`Workflow::tasks`] order.
    pub fn task_signatures(&self) -> Vec<TaskSignature> {
        self.tasks()
            .into_iter()
            .map(|(s, t)| TaskSignature { name: s.name.clone(), ident: s.ident.clone(), resource: t.resource.clone() })
            .collect()
    }

    /// Whether any state, nested machines included, reads the Context object.
    pub fn reads_context(&self) -> bool {
        self.states.iter().any(|s| s.uses_context() || s.nested().iter().any(|w| w.reads_context()))
    }

    /// Whether any state reads `$$.State.EnteredTime` (or the whole Context object).
    pub fn reads_entered_time(&self) -> bool {
        self.states.iter().any(|s| s.context_paths().into_iter().any(JsonPath::reads_entered_time))
    }

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
    /// The machines nested in a Parallel or Map state.
    pub fn nested(&self) -> Vec<&Workflow> {
        match &self.kind {
            Kind::Parallel(p) => p.branches.iter().collect(),
            Kind::Map(m) => vec![&m.processor],
            _ => Vec::new(),
        }
    }

    /// Every payload template the state evaluates, its Assigns included.
    pub fn templates(&self) -> Vec<&Template> {
        let mut out: Vec<&Template> = self.assigns();
        match &self.kind {
            Kind::Pass(p) => out.extend(p.parameters.as_deref()),
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

    /// Every Assign of the state: its own, its Choice rules', its Catchers'.
    pub fn assigns(&self) -> Vec<&Template> {
        let mut out: Vec<&Template> = self.assign.as_deref().into_iter().collect();
        let catchers = match &self.kind {
            Kind::Choice(c) => {
                out.extend(c.rules.iter().filter_map(|r| r.assign.as_ref()));
                return out;
            }
            Kind::Task(t) => &t.outcome.catch,
            Kind::Parallel(p) => &p.outcome.catch,
            Kind::Map(m) => &m.outcome.catch,
            _ => return out,
        };
        out.extend(catchers.iter().filter_map(|c| c.assign.as_ref()));
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
        !self.context_paths().is_empty() || self.queries().iter().any(|q| q.reads_context)
    }

    /// Every JSONata expression the state evaluates.
    pub fn queries(&self) -> Vec<&super::Query> {
        let mut out = Vec::new();
        if !self.jsonata {
            return out;
        }
        for t in self.templates().into_iter().chain(self.output.as_deref()) {
            t.queries(&mut |q| out.push(q));
        }
        match &self.kind {
            Kind::Choice(c) => {
                for r in &c.rules {
                    if let Condition::Jsonata(q) = &r.condition {
                        out.push(q);
                    }
                }
                out.extend(c.rules.iter().filter_map(|r| r.output.as_ref()).flat_map(|t| {
                    let mut v = Vec::new();
                    t.queries(&mut |q| v.push(q));
                    v
                }));
            }
            Kind::Wait(w) => {
                if let WaitFor::Jsonata { query, .. } = &w.wait_for {
                    out.push(query);
                }
            }
            Kind::Map(m) => {
                if let NumberSetting::Jsonata(q) = &m.max_concurrency {
                    out.push(q);
                }
                out.extend(m.setting_queries());
                for t in m.items.iter().chain(m.outcome.catch.iter().filter_map(|c| c.output.as_ref())) {
                    t.queries(&mut |q| out.push(q));
                }
            }
            Kind::Task(t) => {
                for s in [&t.timeout, &t.heartbeat] {
                    if let Seconds::Jsonata(q) = s {
                        out.push(q);
                    }
                }
                t.outcome.catch.iter().filter_map(|c| c.output.as_ref()).for_each(|t| t.queries(&mut |q| out.push(q)));
            }
            Kind::Parallel(p) => p.outcome.catch.iter().filter_map(|c| c.output.as_ref()).for_each(|t| t.queries(&mut |q| out.push(q))),
            _ => {}
        }
        out
    }

    /// Whether an intrinsic here draws randomness (States.MathRandom unseeded, States.UUID).
    pub fn needs_rng(&self) -> bool {
        let mut found = false;
        for t in self.templates() {
            t.visit(&mut |_| {}, &mut |c| found |= c.needs_rng());
        }
        found
    }

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
            Kind::Map(m) => m.collect_paths(out),
            Kind::Choice(c) => c.rules.iter().for_each(|r| r.condition.collect_paths(out)),
            Kind::Wait(w) => match &w.wait_for {
                WaitFor::SecondsPath(p) | WaitFor::TimestampPath(p) => out.push(p),
                WaitFor::Seconds(_) | WaitFor::Timestamp(_) | WaitFor::Jsonata { .. } => {}
            },
            Kind::Succeed | Kind::Fail(_) => {}
        }
    }
}

impl Map {
    fn collect_paths<'a>(&'a self, out: &mut Vec<&'a JsonPath>) {
        self.outcome.collect_paths(out);
        out.extend(&self.items_path);
        if let NumberSetting::Path(p) = &self.max_concurrency {
            out.push(p);
        }
        out.extend(self.settings().into_iter().filter_map(NumberSetting::path));
        let MapMode::Distributed { tolerated_count, tolerated_percentage, .. } = &self.mode else {
            return;
        };
        out.extend(tolerated_count.iter().filter_map(NumberSetting::path));
        out.extend(tolerated_percentage.iter().filter_map(NumberSetting::path));
    }
}

impl Map {
    /// The whole-number settings of a distributed Map's ItemReader and ItemBatcher.
    fn settings(&self) -> Vec<&NumberSetting<u64>> {
        let MapMode::Distributed { reader, batcher, .. } = &self.mode else { return Vec::new() };
        let mut out: Vec<&NumberSetting<u64>> = reader.iter().filter_map(|r| r.max_items.as_ref()).collect();
        out.extend(batcher.iter().flat_map(|b| [&b.max_items, &b.max_bytes]).flatten());
        out
    }

    /// The JSONata expressions among a distributed Map's number settings.
    fn setting_queries(&self) -> Vec<&super::Query> {
        let MapMode::Distributed { tolerated_count, tolerated_percentage, .. } = &self.mode else { return Vec::new() };
        let mut out: Vec<&super::Query> = self.settings().into_iter().filter_map(NumberSetting::query).collect();
        out.extend(tolerated_count.iter().filter_map(NumberSetting::query));
        out.extend(tolerated_percentage.iter().filter_map(NumberSetting::query));
        out
    }
}

impl<T> NumberSetting<T> {
    /// The path of a value read from the input.
    fn path(&self) -> Option<&JsonPath> {
        match self {
            NumberSetting::Path(p) => Some(p),
            NumberSetting::Literal(_) | NumberSetting::Jsonata(_) => None,
        }
    }

    fn query(&self) -> Option<&super::Query> {
        match self {
            NumberSetting::Jsonata(q) => Some(q),
            NumberSetting::Literal(_) | NumberSetting::Path(_) => None,
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
            Condition::Jsonata(_) => {}
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
            Template::Jsonata(_) => {}
        }
    }

    /// Calls `on_query` for every JSONata expression inside.
    pub fn queries<'a>(&'a self, on_query: &mut impl FnMut(&'a super::Query)) {
        match self {
            Template::Object(members) => members.iter().for_each(|(_, v)| v.queries(on_query)),
            Template::Array(items) => items.iter().for_each(|v| v.queries(on_query)),
            Template::Jsonata(q) => on_query(q),
            _ => {}
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
        self.func.draws_randomness(self.args.len())
    }
}
