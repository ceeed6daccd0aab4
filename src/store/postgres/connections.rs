//! [`ConnectionPool`]: the store's own PostgreSQL connections (a pool of
//! connections, not a user pool). `postgres::Client` needs `&mut` access,
//! so each call checks one out and gives it back.

use std::collections::HashMap;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use postgres::{Client, Config, NoTls, Statement};

use super::statements::pg_error;
use crate::store::{StoreError, StoreResult};

/// How long a call waits for a free connection when all are busy.
const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(30);

/// An idle connection older than this is checked before reuse.
const VALIDATE_IDLE_AFTER: Duration = Duration::from_secs(30);

/// How long opening a connection may take, unless the URL says otherwise.
pub(super) const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// One connection and its prepared statements.
pub(super) struct Conn {
    pub(super) client: Client,
    pub(super) stmts: HashMap<String, Statement>,
}

struct Idle {
    conn: Conn,
    since: Instant,
}

struct State {
    idle: Vec<Idle>,
    /// Connections open, idle or checked out.
    open: usize,
}

/// Up to `max` connections to one database: idle ones are reused, most
/// recently used first; a new one is opened when none is idle; a call that
/// finds them all busy waits for one.
pub(super) struct ConnectionPool {
    config: Config,
    max: usize,
    state: Mutex<State>,
    /// Signalled when a connection is returned or closed.
    freed: Condvar,
}

/// A connection taken from the pool; returned on drop, or closed if
/// `conn` was set to `None`.
pub(super) struct Checkout<'a> {
    connections: &'a ConnectionPool,
    pub(super) conn: Option<Conn>,
}

impl Drop for Checkout<'_> {
    fn drop(&mut self) {
        self.connections.give_back(self.conn.take());
    }
}

impl ConnectionPool {
    pub(super) fn new(config: Config, max: usize) -> Self {
        Self {
            config,
            max,
            state: Mutex::new(State {
                idle: Vec::new(),
                open: 0,
            }),
            freed: Condvar::new(),
        }
    }

    /// The most connections open at once.
    pub(super) const fn max(&self) -> usize {
        self.max
    }

    /// Connections open now, idle or checked out.
    #[cfg(test)]
    pub(super) fn open(&self) -> usize {
        self.lock().open
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state is a list and a count, consistent between statements.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn checkout(&self) -> StoreResult<Checkout<'_>> {
        let deadline = Instant::now() + CHECKOUT_TIMEOUT;
        let mut st = self.lock();
        loop {
            if let Some(idle) = st.idle.pop() {
                drop(st);
                let mut conn = idle.conn;
                let healthy = !conn.client.is_closed()
                    && (idle.since.elapsed() < VALIDATE_IDLE_AFTER
                        || conn.client.is_valid(CONNECT_TIMEOUT).is_ok());
                if healthy {
                    return Ok(Checkout {
                        connections: self,
                        conn: Some(conn),
                    });
                }
                self.give_back(None);
                st = self.lock();
                continue;
            }
            if st.open < self.max {
                st.open += 1;
                drop(st);
                return match self.config.connect(NoTls) {
                    Ok(client) => Ok(Checkout {
                        connections: self,
                        conn: Some(Conn {
                            client,
                            stmts: HashMap::new(),
                        }),
                    }),
                    Err(e) => {
                        self.give_back(None);
                        Err(pg_error(e))
                    }
                };
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(StoreError::unavailable(format!(
                    "all {} PostgreSQL connections stayed busy for {} s",
                    self.max,
                    CHECKOUT_TIMEOUT.as_secs()
                )));
            }
            st = self
                .freed
                .wait_timeout(st, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Returns a connection to the idle list, or, given `None` or a closed
    /// connection, forgets its slot.
    fn give_back(&self, conn: Option<Conn>) {
        let conn = conn.filter(|c| !c.client.is_closed());
        let mut st = self.lock();
        match conn {
            Some(conn) => st.idle.push(Idle {
                conn,
                since: Instant::now(),
            }),
            None => st.open = st.open.saturating_sub(1),
        }
        drop(st);
        self.freed.notify_one();
    }
}
