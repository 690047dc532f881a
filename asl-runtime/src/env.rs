//! The effects an execution may use, in one value handed to every state: task handlers, a
//! clock, a random source, where a distributed Map reads its items and writes its results, and
//! (for durable runs) the journal. Tests swap any of them (tokio's paused clock, a seeded
//! RNG, local item files).

use crate::clock::{Clock, TokioClock};
use crate::durable::Journal;
use crate::handler::TaskHandler;
use crate::items::{ItemSource, LocalFiles, LocalResultWriter, ResultSink};
use rand::{Rng, SeedableRng};
use std::sync::{Arc, Mutex, OnceLock};

/// The effects an execution may use: task handlers, a clock, a random source, and where a
/// distributed Map reads its items (ItemReader) and writes its results (ResultWriter).
pub struct Env<H, C = TokioClock> {
    pub tasks: H,
    pub clock: C,
    /// Default: `LocalFiles` in the working directory (Bucket/Key → `./Bucket/Key`).
    pub items: Arc<dyn ItemSource>,
    /// Default: `LocalResultWriter` in the working directory.
    pub results: Arc<dyn ResultSink>,
    /// Where a durable engine keeps progress and effects; `None` for an in-memory run.
    journal: Option<Arc<dyn Journal>>,
    /// Whether executions record their history events (not just count them).
    history: bool,
    /// Seeded on first use: most executions draw nothing (no jitter, MathRandom or UUID).
    rng: Mutex<Option<rand::rngs::SmallRng>>,
}

impl<H: TaskHandler> Env<H, TokioClock> {
    pub fn new(tasks: H) -> Self {
        Env::with_clock(tasks, TokioClock::new())
    }
}

impl<H: TaskHandler, C: Clock> Env<H, C> {
    pub fn with_clock(tasks: H, clock: C) -> Self {
        // The default item source and result writer hold nothing but "."; one pair serves
        // every Env, so making one (the generated `run` makes one per execution) allocates
        // nothing.
        static LOCAL: OnceLock<(Arc<LocalFiles>, Arc<LocalResultWriter>)> = OnceLock::new();
        let (items, results) = LOCAL.get_or_init(|| (Arc::new(LocalFiles::new(".")), Arc::new(LocalResultWriter::new("."))));
        Env { tasks, clock, items: items.clone(), results: results.clone(), journal: None, history: false, rng: Mutex::new(None) }
    }

    /// Makes runs durable: progress, effects and history go to `journal` (see
    /// [`crate::durable`]). Turns history recording on.
    pub fn with_journal(mut self, journal: Arc<dyn Journal>) -> Self {
        self.journal = Some(journal);
        self.history = true;
        self
    }

    /// Records history events in each execution (`Execution::take_history`).
    pub fn with_history(mut self) -> Self {
        self.history = true;
        self
    }

    /// Where distributed Maps read items and write results.
    pub fn with_items(mut self, items: impl ItemSource + 'static, results: impl ResultSink + 'static) -> Self {
        self.items = Arc::new(items);
        self.results = Arc::new(results);
        self
    }

    /// Makes jitter, `States.MathRandom` and `States.UUID` repeatable.
    pub fn seeded(mut self, seed: u64) -> Self {
        self.rng = Mutex::new(Some(rand::rngs::SmallRng::seed_from_u64(seed)));
        self
    }
}

impl<H, C> Env<H, C> {
    /// The journal of a durable run.
    pub fn journal(&self) -> Option<&dyn Journal> {
        self.journal.as_deref()
    }

    /// Whether executions record their history events.
    pub fn records_history(&self) -> bool {
        self.history
    }

    /// Runs `f` with the environment's random source.
    pub fn with_rng<T>(&self, f: impl FnOnce(&mut rand::rngs::SmallRng) -> T) -> T {
        let mut guard = self.rng.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // Seeded from the thread's generator (itself seeded once from the OS): no system call.
        let rng = guard.get_or_insert_with(|| {
            rand::rngs::SmallRng::from_rng(rand::thread_rng()).unwrap_or_else(|_| rand::rngs::SmallRng::from_entropy())
        });
        f(rng)
    }

    /// A uniform draw from [0, 1).
    pub fn uniform(&self) -> f64 {
        self.with_rng(|r| r.gen::<f64>())
    }
}
