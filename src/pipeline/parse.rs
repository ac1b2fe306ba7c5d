//! Parser threads for the reader's parse jobs (NDJSON lines, event log rows): jobs go out
//! numbered and come back in any order; the reader takes them back in reading order.

use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, SyncSender};

use crate::config::Rules;
use crate::error::Failure;
use crate::input::{Done, Inline, Job, Orders, Parse, Parser};

/// The reading thread's end of the parser threads.
struct Threads {
    jobs: SyncSender<(u64, Job)>,
    done: Receiver<(u64, Done)>,
}

impl Parse for Threads {
    fn send(&mut self, n: u64, job: Job) -> Result<(), Failure> {
        self.jobs
            .send((n, job))
            .map_err(|_| Failure::io("a parser thread failed"))
    }

    fn recv(&mut self, wait: bool) -> Result<Option<(u64, Done)>, Failure> {
        if wait {
            return self
                .done
                .recv()
                .map(Some)
                .map_err(|_| Failure::io("a parser thread failed"));
        }
        Ok(self.done.try_recv().ok())
    }
}

/// Runs `read` with `threads` parser threads behind the `Parse` it is given, or with
/// `Inline` for one thread. The threads end when `read` drops its end.
pub fn with_parsers<'r, R>(
    rules: &'r Rules,
    texts: bool,
    orders: &'r Orders,
    threads: usize,
    read: impl FnOnce(Box<dyn Parse + 'r>) -> R,
) -> R {
    if threads <= 1 {
        return read(Box::new(Inline::new(rules, texts, orders)));
    }
    let (jobs, to_parse) = mpsc::sync_channel::<(u64, Job)>(threads * 2);
    let to_parse = Mutex::new(to_parse);
    let (parsed, done) = mpsc::channel::<(u64, Done)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let (to_parse, parsed) = (&to_parse, parsed.clone());
            scope.spawn(move || {
                let parser = Parser::new(rules, texts, orders);
                loop {
                    let next = to_parse.lock().map(|rx| rx.recv());
                    let Ok(Ok((n, job))) = next else { break };
                    if parsed.send((n, job.run(&parser))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(parsed);
        read(Box::new(Threads { jobs, done }))
    })
}
