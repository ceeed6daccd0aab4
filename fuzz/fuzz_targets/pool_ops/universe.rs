//! The universe the operations are drawn from, and the operations.

use super::*;

/// `Arbitrary` for a fieldless enum from one input byte (the derive reads
/// four per choice), so that short inputs hold long sequences.
macro_rules! one_byte_choice {
    ($t:ident: $($v:ident),+ $(,)?) => {
        impl<'a> Arbitrary<'a> for $t {
            fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
                Ok(*u.choose(&[$($t::$v),+])?)
            }
        }
    };
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Name {
    Alice,
    AliceUpper,
    Bob,
    Malformed,
}

pub(crate) const NAMES: [Name; 4] = [Name::Alice, Name::AliceUpper, Name::Bob, Name::Malformed];
one_byte_choice!(Name: Alice, AliceUpper, Bob, Malformed);

impl Name {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Alice => "alice",
            Self::AliceUpper => "Alice",
            Self::Bob => "bob",
            Self::Malformed => "no spaces",
        }
    }

    /// Whether Cognito accepts it as a new username (no whitespace).
    pub(crate) fn well_formed(self) -> bool {
        self != Self::Malformed
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pw {
    One,
    Two,
    Three,
    Weak,
}
one_byte_choice!(Pw: One, Two, Three, Weak);

impl Pw {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::One => "Passw0rd!",
            Self::Two => "S3cond#pass",
            Self::Three => "Th1rd$word",
            Self::Weak => "password",
        }
    }

    /// Whether it meets the pool's policy (by construction of the values).
    pub(crate) fn meets_policy(self) -> bool {
        self != Self::Weak
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum GroupName {
    Admins,
    AdminsUpper,
    Staff,
}

pub(crate) const GROUPS: [GroupName; 3] =
    [GroupName::Admins, GroupName::AdminsUpper, GroupName::Staff];
one_byte_choice!(GroupName: Admins, AdminsUpper, Staff);

impl GroupName {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Admins => "admins",
            Self::AdminsUpper => "Admins",
            Self::Staff => "staff",
        }
    }
}

/// An attribute name of the universe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AttrName {
    Email,
    EmailVerified,
    GivenName,
    Sub,
    Unknown,
}
one_byte_choice!(AttrName: Email, EmailVerified, GivenName, Sub, Unknown);

impl AttrName {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::EmailVerified => "email_verified",
            Self::GivenName => "name",
            Self::Sub => "sub",
            Self::Unknown => "custom:nope",
        }
    }
}

/// One attribute write of the universe. Most are well formed; the last four
/// are refused by every writer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Write {
    EmailAnn,
    EmailBob,
    ClearEmail,
    VerifiedTrue,
    VerifiedFalse,
    ClearVerified,
    NameAnn,
    NameBob,
    ClearName,
    MalformedEmail,
    MalformedFlag,
    Sub,
    Unknown,
}
one_byte_choice!(
    Write: EmailAnn,
    EmailBob,
    ClearEmail,
    VerifiedTrue,
    VerifiedFalse,
    ClearVerified,
    NameAnn,
    NameBob,
    ClearName,
    MalformedEmail,
    MalformedFlag,
    Sub,
    Unknown,
);

impl Write {
    pub(crate) fn name(self) -> AttrName {
        match self {
            Self::EmailAnn | Self::EmailBob | Self::ClearEmail | Self::MalformedEmail => {
                AttrName::Email
            }
            Self::VerifiedTrue
            | Self::VerifiedFalse
            | Self::ClearVerified
            | Self::MalformedFlag => AttrName::EmailVerified,
            Self::NameAnn | Self::NameBob | Self::ClearName => AttrName::GivenName,
            Self::Sub => AttrName::Sub,
            Self::Unknown => AttrName::Unknown,
        }
    }

    pub(crate) fn value(self) -> &'static str {
        match self {
            Self::EmailAnn => "ann@example.com",
            Self::EmailBob => "bob@example.com",
            Self::VerifiedTrue => "true",
            Self::VerifiedFalse => "false",
            Self::NameAnn => "Ann",
            Self::NameBob => "Bob",
            Self::MalformedEmail => "not-an-email",
            Self::MalformedFlag => "yes",
            Self::Sub => "00000000-0000-4000-8000-000000000000",
            Self::Unknown => "x",
            Self::ClearEmail | Self::ClearVerified | Self::ClearName => "",
        }
    }

    /// Refused whoever writes it and whatever else the request holds: an
    /// unknown name, `sub`, or a value of the wrong format.
    pub(crate) fn always_refused(self) -> bool {
        matches!(
            self,
            Self::MalformedEmail | Self::MalformedFlag | Self::Sub | Self::Unknown
        )
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Step {
    Second,
    Minute,
    SessionLifetime,
    QuarterHour,
    Hour,
    Day,
    Week,
}
one_byte_choice!(Step: Second, Minute, SessionLifetime, QuarterHour, Hour, Day, Week);

impl Step {
    pub(crate) fn seconds(self) -> i64 {
        match self {
            Self::Second => 1,
            Self::Minute => 60,
            Self::SessionLifetime => 180,
            Self::QuarterHour => 900,
            Self::Hour => 3600,
            Self::Day => 86_400,
            Self::Week => 7 * 86_400,
        }
    }
}

/// Up to three items.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Few<T>(pub(crate) Vec<T>);

impl<'a, T: Arbitrary<'a>> Arbitrary<'a> for Few<T> {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let n = u.int_in_range(0..=3)?;
        (0..n)
            .map(|_| T::arbitrary(u))
            .collect::<arbitrary::Result<_>>()
            .map(Few)
    }
}

impl<T: fmt::Debug> fmt::Debug for Few<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[derive(Clone, Debug)]
pub(crate) enum Op {
    SignUp {
        user: Name,
        password: Pw,
        attributes: Few<Write>,
    },
    /// Repeated `times` (1 to 8) times, so that attempt limits are in reach.
    ConfirmSignUp {
        user: Name,
        right_code: bool,
        times: u8,
    },
    ResendConfirmationCode {
        user: Name,
    },
    AdminCreateUser {
        user: Name,
        temporary_password: Pw,
        attributes: Few<Write>,
    },
    AdminUpdateUserAttributes {
        user: Name,
        attributes: Few<Write>,
    },
    AdminDeleteUserAttributes {
        user: Name,
        names: Few<AttrName>,
    },
    AdminDeleteUser {
        user: Name,
    },
    AdminDisableUser {
        user: Name,
    },
    AdminEnableUser {
        user: Name,
    },
    AdminSetUserPassword {
        user: Name,
        password: Pw,
        permanent: bool,
    },
    AdminConfirmSignUp {
        user: Name,
    },
    CreateGroup {
        group: GroupName,
    },
    DeleteGroup {
        group: GroupName,
    },
    AdminAddUserToGroup {
        user: Name,
        group: GroupName,
    },
    AdminRemoveUserFromGroup {
        user: Name,
        group: GroupName,
    },
    /// Repeated `times` (1 to 8) times, so that the lockout is in reach.
    SignIn {
        user: Name,
        password: Pw,
        times: u8,
    },
    AnswerNewPassword {
        session: u8,
        password: Pw,
    },
    GetUser {
        token: u8,
    },
    ChangePassword {
        token: u8,
        previous: Pw,
        proposed: Pw,
    },
    GlobalSignOut {
        token: u8,
    },
    AdminUserGlobalSignOut {
        user: Name,
    },
    AdvanceClock {
        by: Step,
    },
}

impl<'a> Arbitrary<'a> for Op {
    /// One byte picks the operation, one byte each of its fields.
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(match u.int_in_range(0..=21u8)? {
            0 => Self::SignUp {
                user: u.arbitrary()?,
                password: u.arbitrary()?,
                attributes: u.arbitrary()?,
            },
            1 => Self::ConfirmSignUp {
                user: u.arbitrary()?,
                right_code: u.arbitrary()?,
                times: u.int_in_range(1..=8)?,
            },
            2 => Self::ResendConfirmationCode {
                user: u.arbitrary()?,
            },
            3 => Self::AdminCreateUser {
                user: u.arbitrary()?,
                temporary_password: u.arbitrary()?,
                attributes: u.arbitrary()?,
            },
            4 => Self::AdminUpdateUserAttributes {
                user: u.arbitrary()?,
                attributes: u.arbitrary()?,
            },
            5 => Self::AdminDeleteUserAttributes {
                user: u.arbitrary()?,
                names: u.arbitrary()?,
            },
            6 => Self::AdminDeleteUser {
                user: u.arbitrary()?,
            },
            7 => Self::AdminDisableUser {
                user: u.arbitrary()?,
            },
            8 => Self::AdminEnableUser {
                user: u.arbitrary()?,
            },
            9 => Self::AdminSetUserPassword {
                user: u.arbitrary()?,
                password: u.arbitrary()?,
                permanent: u.arbitrary()?,
            },
            10 => Self::AdminConfirmSignUp {
                user: u.arbitrary()?,
            },
            11 => Self::CreateGroup {
                group: u.arbitrary()?,
            },
            12 => Self::DeleteGroup {
                group: u.arbitrary()?,
            },
            13 => Self::AdminAddUserToGroup {
                user: u.arbitrary()?,
                group: u.arbitrary()?,
            },
            14 => Self::AdminRemoveUserFromGroup {
                user: u.arbitrary()?,
                group: u.arbitrary()?,
            },
            15 => Self::SignIn {
                user: u.arbitrary()?,
                password: u.arbitrary()?,
                times: u.int_in_range(1..=8)?,
            },
            16 => Self::AnswerNewPassword {
                session: u.arbitrary()?,
                password: u.arbitrary()?,
            },
            17 => Self::GetUser {
                token: u.arbitrary()?,
            },
            18 => Self::ChangePassword {
                token: u.arbitrary()?,
                previous: u.arbitrary()?,
                proposed: u.arbitrary()?,
            },
            19 => Self::GlobalSignOut {
                token: u.arbitrary()?,
            },
            20 => Self::AdminUserGlobalSignOut {
                user: u.arbitrary()?,
            },
            _ => Self::AdvanceClock { by: u.arbitrary()? },
        })
    }
}
