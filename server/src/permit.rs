//! The CPU permit a blocking engine call holds, released while the call
//! waits on something other than the CPU.
//!
//! The server bounds engine calls running at once to the cores
//! (`routes::call_engine`): they hash passwords and sign tokens. A call
//! that invokes a Lambda function waits on the network instead, up to the
//! Lambda timeout three times per trigger, and holding the permit then
//! would let a few requests to a slow function stall every pool. So the
//! permit lives in a thread-local slot of the blocking thread running the
//! call, and [`waiting`] gives it back for the length of a wait and takes
//! one again afterwards.

use std::cell::RefCell;
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

thread_local! {
    static HELD: RefCell<Option<(OwnedSemaphorePermit, Arc<Semaphore>)>> =
        const { RefCell::new(None) };
}

/// Runs `f` on this (blocking) thread holding `permit` of `semaphore` in
/// the slot, and drops it after.
pub(crate) fn holding<T>(
    permit: OwnedSemaphorePermit,
    semaphore: Arc<Semaphore>,
    f: impl FnOnce() -> T,
) -> T {
    HELD.with(|h| *h.borrow_mut() = Some((permit, semaphore)));
    let out = f();
    HELD.with(|h| drop(h.borrow_mut().take()));
    out
}

/// Gives the permit this thread holds back until the guard drops, then
/// waits for one again. Without a permit in the slot (a call outside
/// `call_engine`, a test), nothing happens.
pub(crate) fn waiting() -> Waiting {
    let semaphore = HELD.with(|h| h.borrow_mut().take().map(|(_, s)| s));
    Waiting { semaphore }
}

/// See [`waiting`].
pub(crate) struct Waiting {
    semaphore: Option<Arc<Semaphore>>,
}

impl Drop for Waiting {
    fn drop(&mut self) {
        let Some(semaphore) = self.semaphore.take() else {
            return;
        };
        // On a blocking thread of the runtime: blocking on the acquire is
        // allowed here. A closed semaphore (shutdown) leaves the slot empty.
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if let Ok(permit) = handle.block_on(Arc::clone(&semaphore).acquire_owned()) {
            HELD.with(|h| *h.borrow_mut() = Some((permit, semaphore)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_gives_the_permit_back_and_takes_one_again() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let semaphore = Arc::new(Semaphore::new(1));
        let s = Arc::clone(&semaphore);
        let _guard = runtime.enter();
        let permit = Arc::clone(&semaphore).try_acquire_owned().unwrap();
        holding(permit, Arc::clone(&semaphore), || {
            assert_eq!(s.available_permits(), 0);
            {
                let _w = waiting();
                // Another call may run meanwhile.
                assert_eq!(s.available_permits(), 1);
            }
            assert_eq!(s.available_permits(), 0);
        });
        assert_eq!(semaphore.available_permits(), 1);
    }

    #[test]
    fn outside_a_call_waiting_does_nothing() {
        let _w = waiting();
    }
}
