//! Standard attribute table (HELPER C).
/// Placeholder.
#[derive(Debug)]
pub struct StandardAttributeInfo;
/// Placeholder.
pub static STANDARD_ATTRIBUTES: &[StandardAttributeInfo] = &[];
