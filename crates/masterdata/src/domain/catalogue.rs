//! The catalogue of semantic points, published in `mgc-contracts` so every context speaks it.

pub use mgc_contracts::points::{catalogue, lookup_point, PointDef, PointNature};
