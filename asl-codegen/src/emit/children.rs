//! Parallel and Map states: each branch, and the Map's processor, is a machine of its own in a
//! nested module (`<state>_branch_<i>`, `<state>_iteration`), run as child executions by
//! `asl_runtime::children`. The state itself is framed like a Task: Retry, Catch,
//! ResultSelector, ResultPath, OutputPath (`outcome::with_outcome`).

use super::io::{context, input_path};
use super::names::{branch_module, processor_module};
use super::outcome::{keeps_raw, with_outcome};
use super::paths::Paths;
use super::scope::Scope;
use super::value::{reads_context, root, template, template_on_input, value};
use crate::ir::{ItemBatcher, ItemReader, Map, MapMode, Parallel, State, Template, NumberSetting};
use proc_macro2::TokenStream;
use quote::quote;

/// Parameters (or the effective input) as `input`, for the branches.
fn effective_input(paths: &Paths, parameters: &Option<Template>) -> TokenStream {
    match parameters {
        Some(p) => {
            let p = template_on_input(paths, p);
            quote! { let input = #p; }
        }
        None => quote! {},
    }
}

pub fn parallel(cx: &Scope, s: &State, p: &Parallel) -> TokenStream {
    let input = input_path(cx, s, keeps_raw(s, &p.outcome));
    let ctx = context(s, quote! { ::core::option::Option::None });
    let effective = effective_input(cx.paths, &p.parameters);
    let states = super::query::states(s, quote! { &input }, quote! {});
    let name = &s.name;
    // Branches that never wait run in place, one after another: nothing could overlap.
    let in_place = p.branches.iter().all(|b| !b.states.iter().any(|s| s.kind.waits()));
    let last = p.branches.len().saturating_sub(1);
    let branches = (0..p.branches.len()).map(|i| {
        let m = branch_module(s, i);
        // Each branch gets the input; the last one takes it.
        let input = if i == last { quote! { input } } else { quote! { input.clone() } };
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        match in_place {
            true => quote! { ::asl_runtime::children::branch_now::<#m::Workflow, _, _>(exec.info(), env, &siblings, #i, #input) },
            false => quote! { ::asl_runtime::children::child::<#m::Workflow, _, _>(exec.info(), env, &siblings, #i, #input) },
        }
    });
    let join = match in_place {
        true => quote! { ::asl_runtime::children::parallel_now(::std::vec::Vec::from([#(#branches),*])) },
        false => quote! { ::asl_runtime::children::parallel(::std::vec::Vec::from([#(#branches),*])).await },
    };
    let attempt = quote! {
        #ctx
        #input
        #states
        #effective
        ::asl_runtime::children::parallel_started(exec, env);
        let siblings = ::asl_runtime::children::siblings(exec, #name);
        let (results, ended) = #join;
        ::asl_runtime::children::parallel_ended(exec, env, results.is_ok(), ended);
        results.map(::asl_runtime::Value::Array)
    };
    with_outcome(cx, s, &p.outcome, attempt)
}

pub fn map(cx: &Scope, s: &State, m: &Map) -> TokenStream {
    let name = &s.name;
    let ctx = context(s, quote! { ::core::option::Option::None });
    let input = input_path(cx, s, keeps_raw(s, &m.outcome));
    let max_concurrency = match &m.max_concurrency {
        NumberSetting::Literal(n) => {
            let n = proc_macro2::Literal::usize_unsuffixed(usize::try_from(*n).unwrap_or(usize::MAX));
            quote! { #n }
        }
        read => read_setting(cx, read, quote! { ::asl_runtime::children::max_concurrency_from }),
    };
    // JSONata reads the items before the Map starts (a failure there comes before
    // MapStateStarted, as AWS records it).
    let (early, source) = match m.items.is_some() || m.jsonata_input {
        true => {
            let items = item_source(cx, m);
            (quote! { let jsonata_items = #items; }, quote! { jsonata_items.into_iter().map(::core::result::Result::Ok) })
        }
        false => (quote! {}, item_source(cx, m)),
    };
    let select = item_selector(cx.paths, s, name, &m.item_selector);
    let states = super::query::states(s, quote! { &input }, quote! {});
    let writer = result_writer(cx.paths, &m.mode);
    let module = processor_module(s);
    let mode = map_mode(cx, &m.mode);
    // A distributed Map's Map Run: named before its ResultWriter opens (which writes for it),
    // started (MapRunStarted, a first report) once the writer is open.
    let (run_named, run_started, run) = match &m.mode {
        MapMode::Distributed { label, .. } => (
            quote! { let map_run = ::asl_runtime::children::map_run(exec, mode, #label); },
            quote! { let map_run = ::asl_runtime::children::map_run_started(exec, env, map_run, mode, max_concurrency)?; },
            quote! { map_run },
        ),
        MapMode::Inline => (quote! {}, quote! {}, quote! { ::core::option::Option::None }),
    };
    let attempt = quote! {
        #ctx
        #input
        #states
        let max_concurrency: usize = #max_concurrency;
        #early
        ::asl_runtime::children::map_started(exec, env);
        let mode = #mode;
        #run_named
        let writer = #writer;
        #run_started
        let siblings = ::asl_runtime::children::siblings(exec, #name);
        let items = #source.enumerate().map(#select);
        let (result, ended) = ::asl_runtime::children::map::<#module::Workflow, _, _>(
            exec.info(), env, &siblings, items, max_concurrency, mode, writer, #run,
        )
        .await;
        ::asl_runtime::children::map_ended(exec, env, #name, mode, &result, ended);
        result
    };
    with_outcome(cx, s, &m.outcome, attempt)
}

/// The items, as an iterator of `Result<Value, Fault>`: read by the ItemReader (and batched),
/// or taken from ItemsPath.
fn item_source(cx: &Scope, m: &Map) -> TokenStream {
    let (reader, batcher) = match &m.mode {
        MapMode::Distributed { reader, batcher, .. } => (reader.as_ref(), batcher.as_ref()),
        MapMode::Inline => (None, None),
    };
    if let Some(items) = &m.items {
        let value = template(cx.paths, items);
        let text = match items {
            Template::Jsonata(q) => q.text.clone(),
            _ => String::from("Items"),
        };
        return quote! { ::asl_runtime::jsonata::state::expect_array(#value, #text, "Items")? };
    }
    if m.jsonata_input {
        return quote! { ::asl_runtime::jsonata::state::input_items(&input)? };
    }
    let stream = match reader {
        Some(r) => read_items(cx, r),
        None => {
            let (items_path, items_root) = match &m.items_path {
                Some(p) => {
                    let r = root(cx.paths, p);
                    let p = cx.paths.get(p);
                    (quote! { ::core::option::Option::Some(#p) }, r)
                }
                None => (quote! { ::core::option::Option::None }, quote! { &input }),
            };
            let items = quote! { ::asl_runtime::children::items(#items_path, #items_root)? };
            if batcher.is_none() {
                return quote! { #items.into_iter().map(::core::result::Result::Ok) };
            }
            quote! {
                let stream: ::asl_runtime::items::ItemStream = ::std::boxed::Box::new(#items.into_iter().map(::core::result::Result::Ok));
            }
        }
    };
    let batch = batcher.map(|b| batch_items(cx, b));
    quote! {
        {
            #stream
            #batch
            stream.map(|item| item.map_err(::asl_runtime::Fault::from))
        }
    }
}

/// `let stream = …;` from the ItemReader.
fn read_items(cx: &Scope, r: &ItemReader) -> TokenStream {
    let resource = &r.resource;
    let parameters = optional_template(cx.paths, &r.parameters);
    let config = value(&r.config);
    // A literal MaxItems is in `config` already.
    let max_items = r.max_items.as_ref().filter(|m| !matches!(m, NumberSetting::Literal(_))).map(|m| {
        let read = read_setting(cx, m, quote! { ::asl_runtime::items::max_items_from });
        quote! { config.max_items = #read; }
    });
    quote! {
        let request = ::asl_runtime::items::ReaderRequest {
            resource: ::std::string::String::from(#resource),
            parameters: #parameters,
            config: {
                let mut config = ::asl_runtime::items::ReaderConfig::from_json(&#config)?;
                #max_items
                config
            },
        };
        let stream = env.items.open(&request)?;
    }
}

/// `let stream = …;` grouping the items into ItemBatcher batches.
fn batch_items(cx: &Scope, b: &ItemBatcher) -> TokenStream {
    let limit = |l: &Option<NumberSetting<u64>>| match l {
        None => quote! { ::core::option::Option::None },
        Some(NumberSetting::Literal(n)) => quote! { ::core::option::Option::Some(#n) },
        Some(read) => read_setting(cx, read, quote! { ::asl_runtime::items::max_items_from }),
    };
    let (max_items, max_bytes) = (limit(&b.max_items), limit(&b.max_bytes));
    let batch_input = match &b.batch_input {
        Some(t) => {
            let t = template_on_input(cx.paths, t);
            quote! { ::core::option::Option::Some(#t) }
        }
        None => quote! { ::core::option::Option::None },
    };
    quote! {
        let stream = ::asl_runtime::items::ItemBatcher {
            max_items_per_batch: #max_items,
            max_input_bytes_per_batch: #max_bytes,
            batch_input: #batch_input,
        }
        .batches(stream);
    }
}

/// `Parameters` of an ItemReader or ResultWriter, evaluated on the Map's input.
fn optional_template(paths: &Paths, t: &Option<Template>) -> TokenStream {
    match t {
        Some(t) => template_on_input(paths, t),
        None => quote! { ::asl_runtime::Value::Null },
    }
}

/// The closure turning `(index, item)` into an iteration's input: ItemSelector, or the item.
fn item_selector(paths: &Paths, s: &State, name: &str, selector: &Option<Template>) -> TokenStream {
    let Some(sel) = selector else {
        return quote! { |(_, item): (usize, ::core::result::Result<::asl_runtime::Value, ::asl_runtime::Fault>)| item };
    };
    if s.jsonata {
        // `$states.context.Map.Item` is the item; `$states.input` the Map's input.
        let sel = template(paths, sel);
        return quote! {
            |(index, item): (usize, ::core::result::Result<::asl_runtime::Value, ::asl_runtime::Fault>)| -> ::core::result::Result<::asl_runtime::Value, ::asl_runtime::Fault> {
                let item = item?;
                let context = exec.item_context(#name, index, &item);
                let states = ::asl_runtime::jsonata::state::States::input(&input).with_context(&context);
                ::core::result::Result::Ok(#sel)
            }
        };
    }
    let uses_context = reads_context(sel);
    let ctx = uses_context.then(|| quote! { let context = exec.item_context(#name, index, &item); });
    let unused = (!uses_context).then(|| quote! { let _ = (index, &item); });
    let sel = template(paths, sel);
    quote! {
        |(index, item): (usize, ::core::result::Result<::asl_runtime::Value, ::asl_runtime::Fault>)| -> ::core::result::Result<::asl_runtime::Value, ::asl_runtime::Fault> {
            let item = item?;
            #ctx
            #unused
            let input = &input;
            ::core::result::Result::Ok(#sel)
        }
    }
}

/// The ResultWriter, opened for this map run, or `None`.
fn result_writer(paths: &Paths, mode: &MapMode) -> TokenStream {
    let MapMode::Distributed { writer: Some(w), .. } = mode else {
        return quote! { ::core::option::Option::None };
    };
    let resource = &w.resource;
    let parameters = optional_template(paths, &w.parameters);
    let config = value(&w.config);
    quote! {
        ::core::option::Option::Some(env.results.open(&::asl_runtime::items::WriterRequest {
            resource: ::std::string::String::from(#resource),
            parameters: #parameters,
            config: ::asl_runtime::items::WriterConfig::from_json(&#config)?,
            map_run: ::asl_runtime::children::writer_map_run(&map_run)?,
        })?)
    }
}

fn map_mode(cx: &Scope, mode: &MapMode) -> TokenStream {
    let MapMode::Distributed { tolerated_count, tolerated_percentage, .. } = mode else {
        return quote! { ::asl_runtime::children::MapMode::Inline };
    };
    let count = match tolerated_count {
        None => quote! { ::core::option::Option::None },
        Some(NumberSetting::Literal(n)) => quote! { ::core::option::Option::Some(#n) },
        Some(read) => {
            let read = read_setting(cx, read, quote! { ::asl_runtime::children::tolerated_count_from });
            quote! { ::core::option::Option::Some(#read) }
        }
    };
    let percentage = match tolerated_percentage {
        None => quote! { ::core::option::Option::None },
        Some(NumberSetting::Literal(n)) => quote! { ::core::option::Option::Some(#n) },
        Some(read) => {
            let read = read_setting(cx, read, quote! { ::asl_runtime::children::tolerated_percentage_from });
            quote! { ::core::option::Option::Some(#read) }
        }
    };
    quote! {
        ::asl_runtime::children::MapMode::Distributed(::asl_runtime::children::Tolerance { count: #count, percentage: #percentage })
    }
}

/// A number setting read at run time, from its …Path or its JSONata expression, through the
/// runtime's `check` fn (given the value found, if any, and the field's text, it returns the
/// setting or AWS's error). A literal is the caller's to write.
fn read_setting<T>(cx: &Scope, setting: &NumberSetting<T>, check: TokenStream) -> TokenStream {
    match setting {
        NumberSetting::Path(p) => {
            let (text, r) = (&p.text, root(cx.paths, p));
            let p = cx.paths.get(p);
            quote! { #check(::asl_runtime::path::get(#p, #r), #text)? }
        }
        NumberSetting::Jsonata(q) => {
            let (value, text) = (super::value::query(q), &q.text);
            quote! { #check(::core::option::Option::Some(&#value), #text)? }
        }
        NumberSetting::Literal(_) => quote! { ::core::compile_error!("asl-codegen: a literal setting is written by its caller") },
    }
}
