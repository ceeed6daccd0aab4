//! Password hashing (HELPER A).
