//! Station scope in SQL: one clause builder for every station-owned query, so a scope is always
//! part of the query (and of its LIMIT), never a filter over a fetched page.

use mgc_kernel::StationId;

/// Binds a station restriction's ids in order, after the query's other parameters (the
/// placeholders [`station_clause`] rendered); binds nothing for no restriction.
macro_rules! bind_stations {
    ($query:expr, $stations:expr) => {{
        let mut q = $query;
        for s in $stations.into_iter().flatten() {
            q = q.bind(s.as_uuid());
        }
        q
    }};
}
pub(crate) use bind_stations;

/// ` AND <column> IN ($first, ...)` for a station restriction; nothing for none; a clause that
/// matches no row for an empty restriction. Bind the stations in order after the other params.
pub(crate) fn station_clause(column: &str, stations: Option<&[StationId]>, first: usize) -> String {
    match stations {
        None => String::new(),
        Some([]) => " AND 1 = 0".to_owned(),
        Some(list) => {
            let marks: Vec<String> = (0..list.len()).map(|i| format!("${}", first + i)).collect();
            format!(" AND {column} IN ({})", marks.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::station_clause;
    use mgc_kernel::StationId;

    #[test]
    fn given_restrictions_when_rendered_then_numbered_placeholders_or_nothing() {
        assert_eq!(station_clause("station_id", None, 4), "");
        assert_eq!(station_clause("station_id", Some(&[]), 4), " AND 1 = 0");
        let two = [StationId::new(), StationId::new()];
        assert_eq!(station_clause("id", Some(&two), 4), " AND id IN ($4, $5)");
    }
}
