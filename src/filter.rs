//! ListUsers filters (HELPER B).
