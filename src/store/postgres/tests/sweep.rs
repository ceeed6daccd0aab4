//! Sweeps find what has expired through indexes (migration 4).

use super::{TempSchema, url};
use crate::store::postgres::sweep;

/// Every sweep statement can be answered from an index: with sequential
/// scans disabled, no plan still reads a whole table.
#[test]
fn sweeps_read_expiry_indexes() {
    let Some(url) = url() else { return };
    let schema = TempSchema::new(&url, "sweep_plan");
    drop(schema.store());
    let mut raw = schema.raw();
    raw.batch_execute("SET enable_seqscan = off").unwrap();
    let mut statements: Vec<(String, String)> = sweep::KINDS
        .iter()
        .map(|(table, _)| ((*table).to_owned(), sweep::delete_expired(table)))
        .collect();
    statements.push((
        "revoked_families".to_owned(),
        sweep::REVOKED_CANDIDATES.to_owned(),
    ));
    for (table, sql) in statements {
        raw.batch_execute(&format!("PREPARE q (text, bigint, bigint) AS {sql}"))
            .unwrap();
        let plan = raw
            .simple_query("EXPLAIN EXECUTE q('p', 5, 10)")
            .unwrap()
            .into_iter()
            .filter_map(|m| match m {
                postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_owned),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert!(!plan.contains("Seq Scan"), "{table}: {plan}");
        assert!(plan.contains("expiry on"), "{table}: {plan}");
        if sql == sweep::REVOKED_CANDIDATES {
            assert!(plan.contains("refresh_tokens_by_family"), "{plan}");
        }
        raw.batch_execute("DEALLOCATE q").unwrap();
    }
}
