//! The model: users, codes, tokens and sessions as plain data, and the
//! rules that change them, written out again from the documented behaviour.

use super::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    Unconfirmed,
    Confirmed,
    ForceChangePassword,
}

impl Status {
    pub(crate) fn wire_name(self) -> &'static str {
        match self {
            Self::Unconfirmed => "UNCONFIRMED",
            Self::Confirmed => "CONFIRMED",
            Self::ForceChangePassword => "FORCE_CHANGE_PASSWORD",
        }
    }
}

/// Failed sign-ins, as Cognito's lockout counts them. Times in Unix ms.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Lockout {
    pub(crate) failures: u32,
    pub(crate) locked_until: Option<i64>,
    pub(crate) last_failure: Option<i64>,
}

impl Lockout {
    /// The record as it stands at `now`: forgotten after 15 idle minutes,
    /// idle time counting from the later of the last failure and the lock's end.
    pub(crate) fn at(self, now: i64) -> Self {
        match self.last_failure.max(self.locked_until) {
            Some(idle_from) if now - idle_from >= IDLE_RESET_MS => Self::default(),
            _ => self,
        }
    }

    pub(crate) fn is_locked(self, now: i64) -> bool {
        self.at(now).locked_until.is_some_and(|until| now < until)
    }

    /// Counts a failure at `now` (only called when not locked).
    pub(crate) fn fail(&mut self, now: i64) {
        let failures = self.at(now).failures + 1;
        let locked_until = (failures > FAILURES_BEFORE_LOCK).then(|| {
            let mut lock = FIRST_LOCK_MS;
            for _ in FAILURES_BEFORE_LOCK + 1..failures {
                lock = (lock * 2).min(LONGEST_LOCK_MS);
            }
            now + lock
        });
        *self = Self {
            failures,
            locked_until,
            last_failure: Some(now),
        };
    }
}

/// The pending sign-up code of a user, as the outbox delivered it.
#[derive(Clone, Debug)]
pub(crate) struct PendingCode {
    pub(crate) code: String,
    pub(crate) destination: String,
    pub(crate) expires_at: i64,
    pub(crate) tries: u32,
    pub(crate) window_start: i64,
    pub(crate) window_tries: u32,
}

#[derive(Clone, Debug)]
pub(crate) struct ModelUser {
    /// The `sub` the engine assigned at creation (engine output, recorded).
    pub(crate) sub: String,
    /// When it was created, Unix ms.
    pub(crate) created_at: i64,
    pub(crate) status: Status,
    pub(crate) enabled: bool,
    pub(crate) password: Pw,
    pub(crate) temporary_until: Option<i64>,
    /// Every attribute but `sub`.
    pub(crate) attributes: BTreeMap<String, String>,
    pub(crate) groups: BTreeSet<GroupName>,
    pub(crate) lockout: Lockout,
    pub(crate) sign_up_code: Option<PendingCode>,
}

impl ModelUser {
    pub(crate) fn new(
        sub: String,
        created_at: i64,
        status: Status,
        password: Pw,
        attributes: BTreeMap<String, String>,
    ) -> Self {
        Self {
            sub,
            created_at,
            status,
            enabled: true,
            password,
            temporary_until: None,
            attributes,
            groups: BTreeSet::new(),
            lockout: Lockout::default(),
            sign_up_code: None,
        }
    }

    pub(crate) fn email(&self) -> Option<&str> {
        self.attributes.get("email").map(String::as_str)
    }

    pub(crate) fn email_verified(&self) -> bool {
        self.attributes
            .get("email_verified")
            .is_some_and(|v| v == "true")
    }
}

/// An access token the run obtained, with what the model knows about it.
#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub(crate) access: String,
    pub(crate) username: &'static str,
    pub(crate) sub: String,
    pub(crate) expires_at_secs: i64,
    pub(crate) revoked: bool,
}

/// A `NEW_PASSWORD_REQUIRED` session the run obtained.
#[derive(Clone, Debug)]
pub(crate) struct Session {
    pub(crate) session: String,
    pub(crate) username: &'static str,
    pub(crate) sub: String,
    pub(crate) expires_at: i64,
    pub(crate) used: bool,
}

#[derive(Default)]
pub(crate) struct Model {
    pub(crate) now: i64,
    pub(crate) users: BTreeMap<&'static str, ModelUser>,
    pub(crate) groups: BTreeSet<GroupName>,
    pub(crate) tokens: Vec<Token>,
    pub(crate) sessions: Vec<Session>,
}

/// A predicted refusal: the code, and the message where the model knows it.
pub(crate) type Refusal = (ErrorCode, Option<&'static str>);

pub(crate) fn refuse(code: ErrorCode) -> Refusal {
    (code, None)
}

pub(crate) fn not_authorized(message: &'static str) -> Refusal {
    (ErrorCode::NotAuthorized, Some(message))
}

/// Duplicated attribute names in one write request.
pub(crate) fn has_duplicates(names: impl Iterator<Item = AttrName>) -> bool {
    let mut seen = Vec::new();
    for n in names {
        if seen.contains(&n) {
            return true;
        }
        seen.push(n);
    }
    false
}

/// The attributes a new user gets from `writes`, or why they are refused
/// (after the writer-permission checks, which the callers make).
pub(crate) fn model_create(writes: &[Write]) -> Result<BTreeMap<String, String>, Refusal> {
    if writes.iter().any(|w| w.always_refused()) || has_duplicates(writes.iter().map(|w| w.name()))
    {
        return Err(refuse(ErrorCode::InvalidParameter));
    }
    let attributes: BTreeMap<String, String> = writes
        .iter()
        .filter(|w| !w.value().is_empty())
        .map(|w| (w.name().as_str().to_owned(), w.value().to_owned()))
        .collect();
    if writes.contains(&Write::VerifiedTrue) && !attributes.contains_key("email") {
        return Err(refuse(ErrorCode::InvalidParameter));
    }
    Ok(attributes)
}

/// The attributes after an admin update, or why it is refused.
pub(crate) fn model_update(
    current: &BTreeMap<String, String>,
    writes: &[Write],
) -> Result<BTreeMap<String, String>, Refusal> {
    if writes.iter().any(|w| w.always_refused()) || has_duplicates(writes.iter().map(|w| w.name()))
    {
        return Err(refuse(ErrorCode::InvalidParameter));
    }
    let mut next = current.clone();
    for w in writes {
        let name = w.name().as_str().to_owned();
        if w.value().is_empty() {
            next.remove(&name);
        } else {
            next.insert(name, w.value().to_owned());
        }
    }
    let wrote = |n: AttrName| writes.iter().any(|w| w.name() == n);
    // A new email is unverified unless the same request says otherwise; a
    // removed email takes its flag with it.
    if wrote(AttrName::Email) && !wrote(AttrName::EmailVerified) {
        match next.get("email") {
            None => {
                next.remove("email_verified");
            }
            Some(email) if current.get("email") != Some(email) => {
                if let Some(flag) = next.get_mut("email_verified") {
                    "false".clone_into(flag);
                }
            }
            Some(_) => {}
        }
    }
    if writes.contains(&Write::VerifiedTrue) && !next.contains_key("email") {
        return Err(refuse(ErrorCode::InvalidParameter));
    }
    Ok(next)
}

/// The right code with its last digit changed.
pub(crate) fn wrong_code(code: &str) -> String {
    let mut s: Vec<char> = code.chars().collect();
    if let Some(last) = s.last_mut() {
        *last = if *last == '9' { '0' } else { '9' };
    }
    s.into_iter().collect()
}

pub(crate) fn shared_keys() -> KeySet {
    static KEYS: OnceLock<KeySet> = OnceLock::new();
    KEYS.get_or_init(|| KeySet::generate().expect("key generation"))
        .clone()
}

pub(crate) const DIVERGENCE: &str = "pool_ops divergence";

thread_local! {
    /// The operations of the current input so far, for crash reports.
    pub(crate) static TRACE: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// The operations so far, one per line.
pub(crate) fn trace_listing() -> String {
    TRACE.with_borrow(|t| {
        t.iter()
            .enumerate()
            .map(|(i, op)| format!("\n  {i:>2}: {op}"))
            .collect()
    })
}

/// Makes a panic inside the engine name the operations that led to it, as a
/// divergence does, before libFuzzer's own hook reports it and aborts.
pub(crate) fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let ours = info
                .payload()
                .downcast_ref::<String>()
                .is_some_and(|m| m.starts_with(DIVERGENCE));
            if !ours {
                eprintln!("pool_ops: panic after the operations:{}", trace_listing());
            }
            previous(info);
        }));
    });
}

/// A message the model predicts: kind, recipient, destination.
pub(crate) type Sent = (MessageKind, &'static str, String);
