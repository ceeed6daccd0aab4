//! `MemoryStore`, bare and behind the limits layer.

mod bare {
    use userpool::store::MemoryStore;

    userpool::store_conformance_tests!(MemoryStore::new());
}

/// The layer every pool puts in front of its store changes nothing a
/// contract can see.
mod limited {
    use std::sync::Arc;

    use userpool::store::{Limited, MemoryStore};

    userpool::store_conformance_tests!(Limited::wrap(Arc::new(MemoryStore::new())));
}
