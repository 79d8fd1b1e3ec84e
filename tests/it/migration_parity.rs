//! Migration parity: after every migration, SQLite and PostgreSQL hold the same tables, columns,
//! column type families and nullability. A column added to one migration folder only fails here.

use crate::support::store;
use mgc_tests::{postgres_database, sqlite_database};
use std::collections::BTreeMap;

/// One column as both engines can describe it: a type family and whether NULL is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    family: String,
    nullable: bool,
}

/// `(table, column)` → column, for every table and view of the application.
type Schema = BTreeMap<(String, String), Column>;

/// Type spellings that mean the same thing on both engines, mapped to one family name.
/// SQLite keeps the declared spelling; PostgreSQL reports `information_schema.data_type`.
fn family(declared: &str) -> String {
    let t = declared.trim().to_ascii_lowercase();
    let base = t.split('(').next().unwrap_or("").trim();
    match base {
        // Identifiers, names, JSON kept as text on SQLite, timestamps as RFC 3339 text on SQLite.
        "text" | "varchar" | "character varying" | "character" | "char" => "text",
        // SQLite has one INTEGER storage class; BIGINT/INT spellings all mean a 64-bit integer to sqlx.
        "integer" | "bigint" | "int" | "int8" | "int4" | "smallint" => "integer",
        // SQLite stores booleans as 0/1 INTEGER; declared BOOLEAN or INTEGER both read as bool.
        "boolean" | "bool" => "boolean",
        "double precision" | "real" | "float8" => "real",
        "bytea" | "blob" => "bytes",
        // PostgreSQL keeps JSON as jsonb; SQLite as TEXT (checked as a deliberate difference below).
        "jsonb" | "json" => "json",
        "timestamp with time zone" | "timestamptz" => "timestamptz",
        "uuid" => "uuid",
        _ => base,
    }
    .to_string()
}

/// Families that are spelled differently on purpose: (sqlite family, postgres family, reason).
const SAME_FAMILY: &[(&str, &str, &str)] = &[
    ("text", "json", "JSON documents: TEXT on SQLite, jsonb on PostgreSQL (sqlx decodes both)"),
    ("text", "timestamptz", "UTC instants: RFC 3339 TEXT on SQLite, timestamptz on PostgreSQL"),
    ("bytes", "uuid", "identifiers: 16-byte BLOB on SQLite (sqlx's Uuid encoding), uuid on PostgreSQL"),
    ("integer", "boolean", "flags: 0/1 INTEGER on SQLite, boolean on PostgreSQL"),
    ("boolean", "boolean", "declared BOOLEAN on SQLite is an INTEGER 0/1 affinity"),
];

/// Columns whose difference is deliberate: (table, column, reason). Keep this short.
const ALLOWED: &[(&str, &str, &str)] = &[];

fn same_family(sqlite: &str, postgres: &str) -> bool {
    sqlite == postgres || SAME_FAMILY.iter().any(|(s, p, _)| *s == sqlite && *p == postgres)
}

/// Every difference between the two schemas, one readable line each (empty when they agree).
fn differences(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let allowed = |t: &str, c: &str| ALLOWED.iter().any(|(at, ac, _)| *at == t && *ac == c);
    let mut out = Vec::new();
    for ((table, column), s) in sqlite {
        if allowed(table, column) {
            continue;
        }
        match postgres.get(&(table.clone(), column.clone())) {
            None => out.push(format!("{table}.{column}: only in sqlite")),
            Some(p) if !same_family(&s.family, &p.family) => {
                out.push(format!("{table}.{column}: type sqlite {} vs postgres {}", s.family, p.family))
            }
            Some(p) if s.nullable != p.nullable => {
                out.push(format!("{table}.{column}: nullable sqlite {} vs postgres {}", s.nullable, p.nullable))
            }
            Some(_) => {}
        }
    }
    for (table, column) in postgres.keys() {
        if !allowed(table, column) && !sqlite.contains_key(&(table.clone(), column.clone())) {
            out.push(format!("{table}.{column}: only in postgres"));
        }
    }
    out
}

async fn sqlite_schema(url: &str) -> Schema {
    let pool = sqlx::SqlitePool::connect(url).await.unwrap();
    // A PRIMARY KEY column is NOT NULL on PostgreSQL; SQLite's legacy quirk lets a non-INTEGER
    // key hold NULL unless declared NOT NULL. The application never writes a NULL key, so a
    // key column counts as NOT NULL here.
    let rows: Vec<(String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT m.name, c.name, c.type, c.\"notnull\", c.pk \
         FROM sqlite_master m JOIN pragma_table_info(m.name) c \
         WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    rows.into_iter()
        .map(|(t, c, ty, notnull, pk)| ((t, c), Column { family: family(&ty), nullable: notnull == 0 && pk == 0 }))
        .collect()
}

async fn postgres_schema(url: &str) -> Schema {
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    // Partitions of a partitioned table (telemetry_points_default and the monthly ones) copy
    // their parent's columns; SQLite has one plain table, so only the parent is compared.
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text \
         FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations' \
         AND table_name NOT IN (SELECT relname FROM pg_class WHERE relispartition)",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    rows.into_iter()
        .map(|(t, c, ty, nullable)| ((t, c), Column { family: family(&ty), nullable: nullable == "YES" }))
        .collect()
}

#[tokio::test]
async fn both_migration_sets_give_the_same_tables_columns_and_nullability() {
    let Some(pg) = postgres_database().await else { return };
    let lite = sqlite_database().await;
    let _ = store(&lite).await;
    let _ = store(&pg).await;
    let s = sqlite_schema(&lite.url).await;
    let p = postgres_schema(&pg.url).await;
    assert!(s.len() > 100, "sqlite schema looks empty: {} columns", s.len());
    let diff = differences(&s, &p);
    assert!(diff.is_empty(), "migration sets differ:\n{}", diff.join("\n"));
}

fn col(family: &str, nullable: bool) -> Column {
    Column { family: family.into(), nullable }
}

fn key(t: &str, c: &str) -> (String, String) {
    (t.into(), c.into())
}

#[test]
fn a_column_added_to_one_set_only_is_a_difference() {
    let base: Schema = [(key("devices", "id"), col("text", false))].into();
    let mut sqlite = base.clone();
    sqlite.insert(key("devices", "note"), col("text", true));
    assert_eq!(differences(&sqlite, &base), ["devices.note: only in sqlite"]);
    assert_eq!(differences(&base, &sqlite), ["devices.note: only in postgres"]);
    assert!(differences(&base, &base).is_empty());
}

#[test]
fn nullability_and_type_family_differences_are_reported_and_spellings_are_not() {
    let sqlite: Schema = [(key("t", "a"), col("text", true)), (key("t", "b"), col(&family("BIGINT"), false))].into();
    let postgres: Schema =
        [(key("t", "a"), col("text", false)), (key("t", "b"), col(&family("integer"), false))].into();
    assert_eq!(differences(&sqlite, &postgres), ["t.a: nullable sqlite true vs postgres false"]);
    let postgres: Schema = [(key("t", "a"), col("text", true)), (key("t", "b"), col("real", false))].into();
    assert_eq!(differences(&sqlite, &postgres), ["t.b: type sqlite integer vs postgres real"]);
    assert_eq!(family("character varying(64)"), family("TEXT"));
}
