//! The read side of the tenant's id tags: a filtered page ordered by tag key, and one tag.

use crate::charging_rows::id_tag_from_row;
use crate::rows::db_err;
use crate::Store;
use mgc_charging::{IdTag, IdTagFilter, IdToken};
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{RepoError, TenantId};

const COLUMNS: &str = "token, status, expires_at, parent";

/// `prefix` upper-cased (tag keys are) as a LIKE pattern with `\` escaping `%`, `_` and `\`.
fn like_prefix(prefix: Option<&str>) -> String {
    let mut pattern = String::new();
    for c in prefix.unwrap_or_default().to_ascii_uppercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// A page of the tenant's tags after the cursor (a tag), passing `filter`.
pub(crate) async fn list(
    store: &Store,
    tenant: &TenantId,
    filter: &IdTagFilter,
    page: &PageRequest,
) -> Result<Page<IdTag>, RepoError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM charging_id_tags WHERE tenant_id = $1 AND ($2 = '' OR status = $2)
         AND tag_key LIKE $3 ESCAPE '\\' AND tag_key > $4 ORDER BY tag_key LIMIT $5"
    );
    let status = filter.status.map(|s| s.as_str()).unwrap_or_default();
    let after = page.cursor.as_deref().map(str::to_ascii_uppercase).unwrap_or_default();
    let pattern = like_prefix(filter.prefix.as_deref());
    let found = on_read!(store, p => sqlx::query(&sql).bind(tenant.as_str()).bind(status).bind(&pattern).bind(&after)
        .bind(i64::from(page.limit) + 1).fetch_all(p).await.map_err(db_err)?
        .iter().map(id_tag_from_row).collect::<Result<Vec<_>, _>>()?);
    Ok(Page::from_overfetch(found, page.limit, |t| t.token.key()))
}

/// One tag of the tenant.
pub(crate) async fn get(store: &Store, tenant: &TenantId, tag: &IdToken) -> Result<Option<IdTag>, RepoError> {
    let sql = format!("SELECT {COLUMNS} FROM charging_id_tags WHERE tenant_id = $1 AND tag_key = $2");
    on_read!(store, p => sqlx::query(&sql).bind(tenant.as_str()).bind(tag.key())
        .fetch_optional(p).await.map_err(db_err)?.as_ref().map(id_tag_from_row).transpose())
}

#[cfg(test)]
mod tests {
    use super::like_prefix;

    #[test]
    fn given_prefix_with_wildcards_when_made_a_pattern_then_they_match_literally() {
        assert_eq!(like_prefix(Some("ab%_\\")), "AB\\%\\_\\\\%");
        assert_eq!(like_prefix(None), "%");
    }
}
