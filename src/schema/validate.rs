//! Schema validation (HELPER C).
