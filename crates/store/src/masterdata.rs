//! Masterdata repositories: stations, devices, point mappings.

use crate::rows::{db_err, parse_cursor, tenant_of, RowExt};
use crate::scope_sql::station_clause;
use crate::{Store, StoreTx};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{DeviceId, RepoError, Scope, StationId, StationTz, TenantId};
use mgc_masterdata::{
    Device, DeviceKind, GeoPoint, MappingScope, MasterdataQueries, MasterdataRepository, PointMapping, Station,
};

const STATION_COLUMNS: &str =
    "id, tenant_id, code, name, time_zone, latitude, longitude, capacity_kw, tb_asset_id, created_at, updated_at";
const DEVICE_COLUMNS: &str = "id, tenant_id, station_id, kind, name, tb_device_id, protocol, created_at, updated_at";
const MAPPING_COLUMNS: &str = "scope, raw_key, point, scale, \"offset\", unit, version";

fn backend(e: impl std::fmt::Display) -> RepoError {
    RepoError::Backend(e.to_string())
}

fn station_from_row(r: &impl RowExt) -> Result<Station, RepoError> {
    let location = match (r.opt_float("latitude")?, r.opt_float("longitude")?) {
        (Some(latitude), Some(longitude)) => Some(GeoPoint { latitude, longitude }),
        _ => None,
    };
    Ok(Station {
        id: StationId::from_uuid(r.uuid("id")?),
        tenant: tenant_of(r)?,
        code: r.text("code")?,
        name: r.text("name")?,
        time_zone: StationTz::parse(&r.text("time_zone")?).map_err(backend)?,
        location,
        capacity_kw: r.opt_float("capacity_kw")?,
        tb_asset_id: r.opt_text("tb_asset_id")?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    })
}

fn device_from_row(r: &impl RowExt) -> Result<Device, RepoError> {
    Ok(Device {
        id: DeviceId::from_uuid(r.uuid("id")?),
        tenant: tenant_of(r)?,
        station_id: StationId::from_uuid(r.uuid("station_id")?),
        kind: r.text("kind")?.parse::<DeviceKind>().map_err(RepoError::Backend)?,
        name: r.text("name")?,
        tb_device_id: r.opt_text("tb_device_id")?,
        protocol: r.text("protocol")?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    })
}

fn mapping_from_row(r: &impl RowExt) -> Result<PointMapping, RepoError> {
    Ok(PointMapping {
        scope: r.text("scope")?.parse::<MappingScope>().map_err(RepoError::Backend)?,
        raw_key: r.text("raw_key")?,
        point: r.text("point")?,
        scale: r.float("scale")?,
        offset: r.float("offset")?,
        unit: r.opt_text("unit")?,
        version: r.int("version")?,
    })
}

#[async_trait]
impl MasterdataRepository for StoreTx {
    async fn station_by_code(&mut self, tenant: &TenantId, code: &str) -> Result<Option<Station>, RepoError> {
        let sql = format!("SELECT {STATION_COLUMNS} FROM stations WHERE tenant_id = $1 AND code = $2");
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(code)
            .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(station_from_row).transpose())
    }

    async fn station_by_id(&mut self, tenant: &TenantId, id: StationId) -> Result<Option<Station>, RepoError> {
        let sql = format!("SELECT {STATION_COLUMNS} FROM stations WHERE tenant_id = $1 AND id = $2");
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(id.as_uuid())
            .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(station_from_row).transpose())
    }

    async fn device_by_id(&mut self, tenant: &TenantId, id: DeviceId) -> Result<Option<Device>, RepoError> {
        let sql = format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE tenant_id = $1 AND id = $2");
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(id.as_uuid())
            .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(device_from_row).transpose())
    }

    async fn statistics_since(&mut self, tenant: &TenantId, id: StationId) -> Result<Option<DateTime<Utc>>, RepoError> {
        // The analytics cursor exists from the station's first analysed data on.
        let sql = "SELECT tracked_from FROM analytics_cursors WHERE tenant_id = $1 AND station_id = $2";
        on_tx!(self, c => sqlx::query(sql).bind(tenant.as_str()).bind(id.as_uuid())
            .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(|r| r.time("tracked_from")).transpose())
    }

    async fn count_station_devices(&mut self, tenant: &TenantId, id: StationId) -> Result<u64, RepoError> {
        let n: i64 = on_tx!(self, c => sqlx::query_scalar("SELECT COUNT(*) FROM devices WHERE tenant_id = $1 AND station_id = $2")
            .bind(tenant.as_str()).bind(id.as_uuid()).fetch_one(&mut *c).await.map_err(db_err)?);
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn delete_device(&mut self, tenant: &TenantId, id: DeviceId) -> Result<(), RepoError> {
        let scope = MappingScope::Device(id).to_string();
        on_tx!(self, c => {
            sqlx::query("DELETE FROM point_mappings WHERE tenant_id = $1 AND scope = $2")
                .bind(tenant.as_str()).bind(&scope).execute(&mut *c).await.map_err(db_err)?;
            sqlx::query("DELETE FROM telemetry_latest WHERE tenant_id = $1 AND device_id = $2")
                .bind(tenant.as_str()).bind(id.as_uuid()).execute(&mut *c).await.map_err(db_err)?;
            sqlx::query("DELETE FROM devices WHERE tenant_id = $1 AND id = $2")
                .bind(tenant.as_str()).bind(id.as_uuid()).execute(&mut *c).await.map_err(db_err)?;
        });
        Ok(())
    }

    async fn delete_station(&mut self, tenant: &TenantId, id: StationId) -> Result<(), RepoError> {
        on_tx!(self, c => sqlx::query("DELETE FROM stations WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.as_str()).bind(id.as_uuid()).execute(&mut *c).await.map_err(db_err).map(|_| ()))
    }

    async fn save_station(&mut self, s: &Station, is_new: bool) -> Result<(), RepoError> {
        let sql = if is_new {
            format!("INSERT INTO stations ({STATION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
        } else {
            "UPDATE stations SET code = $3, name = $4, time_zone = $5, latitude = $6, longitude = $7, capacity_kw = $8,
             tb_asset_id = $9, created_at = $10, updated_at = $11 WHERE id = $1 AND tenant_id = $2"
                .to_owned()
        };
        on_tx!(self, c => sqlx::query(&sql)
            .bind(s.id.as_uuid()).bind(s.tenant.as_str()).bind(&s.code).bind(&s.name).bind(s.time_zone.name())
            .bind(s.location.map(|l| l.latitude)).bind(s.location.map(|l| l.longitude)).bind(s.capacity_kw)
            .bind(&s.tb_asset_id).bind(s.created_at).bind(s.updated_at)
            .execute(&mut *c).await.map_err(db_err).map(|_| ()))
    }

    async fn device_by_name(&mut self, tenant: &TenantId, name: &str) -> Result<Option<Device>, RepoError> {
        let sql = format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE tenant_id = $1 AND name = $2");
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(name)
            .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(device_from_row).transpose())
    }

    async fn save_device(&mut self, d: &Device, is_new: bool) -> Result<(), RepoError> {
        let sql = if is_new {
            format!("INSERT INTO devices ({DEVICE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        } else {
            "UPDATE devices SET station_id = $3, kind = $4, name = $5, tb_device_id = $6, protocol = $7, created_at = $8,
             updated_at = $9 WHERE id = $1 AND tenant_id = $2"
                .to_owned()
        };
        on_tx!(self, c => sqlx::query(&sql)
            .bind(d.id.as_uuid()).bind(d.tenant.as_str()).bind(d.station_id.as_uuid()).bind(d.kind.as_str())
            .bind(&d.name).bind(&d.tb_device_id).bind(&d.protocol).bind(d.created_at).bind(d.updated_at)
            .execute(&mut *c).await.map_err(db_err).map(|_| ()))
        .map_err(|e| match e {
            RepoError::Conflict(m) if m.contains("tb_device_id") || m.contains("devices_tb_device_unique") => {
                RepoError::Conflict(format!(
                    "tb_device_id '{}' is already the ThingsBoard device of another device",
                    d.tb_device_id.as_deref().unwrap_or_default()
                ))
            }
            other => other,
        })
    }

    async fn mappings_of(&mut self, tenant: &TenantId, scope: MappingScope) -> Result<Vec<PointMapping>, RepoError> {
        let sql = format!(
            "SELECT {MAPPING_COLUMNS} FROM point_mappings WHERE tenant_id = $1 AND scope = $2 ORDER BY raw_key"
        );
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(scope.to_string())
            .fetch_all(&mut *c).await.map_err(db_err)?.iter().map(mapping_from_row).collect())
    }

    async fn replace_mappings(
        &mut self,
        tenant: &TenantId,
        scope: MappingScope,
        mappings: &[PointMapping],
        at: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        let scope = scope.to_string();
        on_tx!(self, c => {
            sqlx::query("DELETE FROM point_mappings WHERE tenant_id = $1 AND scope = $2")
                .bind(tenant.as_str()).bind(&scope).execute(&mut *c).await.map_err(db_err)?;
            for m in mappings {
                sqlx::query(&format!("INSERT INTO point_mappings (id, tenant_id, created_at, {MAPPING_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"))
                    .bind(uuid::Uuid::now_v7()).bind(tenant.as_str()).bind(at).bind(&scope).bind(&m.raw_key).bind(&m.point)
                    .bind(m.scale).bind(m.offset).bind(&m.unit).bind(m.version)
                    .execute(&mut *c).await.map_err(db_err)?;
            }
        });
        Ok(())
    }
}

#[async_trait]
impl MasterdataQueries for Store {
    async fn list_stations(&self, scope: &Scope, page: &PageRequest) -> Result<Page<Station>, RepoError> {
        let cursor = parse_cursor(page.cursor.as_deref())?;
        let sql = format!(
            "SELECT {STATION_COLUMNS} FROM stations WHERE tenant_id = $1 AND ($2 IS NULL OR id < $2){} ORDER BY id DESC LIMIT $3",
            station_clause("id", scope.station_list(), 4)
        );
        let rows = on_read!(self, p => {
            let mut q = sqlx::query(&sql).bind(scope.tenant.as_str()).bind(cursor).bind(i64::from(page.limit) + 1);
            for s in scope.station_list().into_iter().flatten() {
                q = q.bind(s.as_uuid());
            }
            q.fetch_all(p).await.map_err(db_err)?.iter().map(station_from_row).collect::<Result<Vec<_>, _>>()?
        });
        Ok(Page::from_overfetch(rows, page.limit, |s| s.id.to_string()))
    }

    async fn get_station(&self, scope: &Scope, id: StationId) -> Result<Station, RepoError> {
        let sql = format!("SELECT {STATION_COLUMNS} FROM stations WHERE tenant_id = $1 AND id = $2");
        let found = if scope.allows(id) {
            on_read!(self, p => sqlx::query(&sql).bind(scope.tenant.as_str()).bind(id.as_uuid())
                .fetch_optional(p).await.map_err(db_err)?.as_ref().map(station_from_row).transpose()?)
        } else {
            None
        };
        found.ok_or_else(|| RepoError::NotFound { what: "station", id: id.to_string() })
    }

    async fn list_devices(
        &self,
        scope: &Scope,
        station: Option<StationId>,
        kind: Option<DeviceKind>,
        page: &PageRequest,
    ) -> Result<Page<Device>, RepoError> {
        let cursor = parse_cursor(page.cursor.as_deref())?;
        let sql = format!(
            "SELECT {DEVICE_COLUMNS} FROM devices WHERE tenant_id = $1 AND ($2 IS NULL OR id < $2)
             AND ($3 IS NULL OR station_id = $3) AND ($4 IS NULL OR kind = $4){} ORDER BY id DESC LIMIT $5",
            station_clause("station_id", scope.station_list(), 6)
        );
        let rows = on_read!(self, p => {
            let mut q = sqlx::query(&sql).bind(scope.tenant.as_str()).bind(cursor)
                .bind(station.map(|s| s.as_uuid())).bind(kind.map(|k| k.as_str())).bind(i64::from(page.limit) + 1);
            for s in scope.station_list().into_iter().flatten() {
                q = q.bind(s.as_uuid());
            }
            q.fetch_all(p).await.map_err(db_err)?.iter().map(device_from_row).collect::<Result<Vec<_>, _>>()?
        });
        Ok(Page::from_overfetch(rows, page.limit, |d| d.id.to_string()))
    }

    async fn get_device(&self, scope: &Scope, id: DeviceId) -> Result<Device, RepoError> {
        let sql = format!(
            "SELECT {DEVICE_COLUMNS} FROM devices WHERE tenant_id = $1 AND id = $2{}",
            station_clause("station_id", scope.station_list(), 3)
        );
        on_read!(self, p => {
            let mut q = sqlx::query(&sql).bind(scope.tenant.as_str()).bind(id.as_uuid());
            for s in scope.station_list().into_iter().flatten() {
                q = q.bind(s.as_uuid());
            }
            q.fetch_optional(p).await.map_err(db_err)?.as_ref().map(device_from_row).transpose()?
        })
        .ok_or_else(|| RepoError::NotFound { what: "device", id: id.to_string() })
    }

    async fn find_device(&self, tenant: &TenantId, reference: &str) -> Result<Option<Device>, RepoError> {
        let as_id = uuid::Uuid::parse_str(reference).ok();
        let sql = format!(
            "SELECT {DEVICE_COLUMNS} FROM devices WHERE tenant_id = $1 AND (name = $2 OR tb_device_id = $2 OR id = $3)
             ORDER BY CASE WHEN name = $2 THEN 0 ELSE 1 END LIMIT 1"
        );
        on_read!(self, p => sqlx::query(&sql).bind(tenant.as_str()).bind(reference).bind(as_id)
            .fetch_optional(p).await.map_err(db_err)?.as_ref().map(device_from_row).transpose())
    }

    async fn list_mappings(
        &self,
        scope: &Scope,
        mapping_scope: Option<MappingScope>,
    ) -> Result<Vec<PointMapping>, RepoError> {
        // A station-scoped reader sees kind mappings and the device mappings of its devices.
        let devices = match scope.station_list() {
            None => None,
            Some(_) => Some(self.device_ids_in(scope).await?),
        };
        let visible = match &devices {
            None => String::new(),
            Some(ids) => {
                let marks: Vec<String> = (0..ids.len()).map(|i| format!("${}", 3 + i)).collect();
                let own = if marks.is_empty() { String::new() } else { format!(" OR scope IN ({})", marks.join(", ")) };
                format!(" AND (scope LIKE 'kind:%'{own})")
            }
        };
        let sql = format!(
            "SELECT {MAPPING_COLUMNS} FROM point_mappings WHERE tenant_id = $1 AND ($2 IS NULL OR scope = $2){visible} ORDER BY scope, raw_key"
        );
        on_read!(self, p => {
            let mut q = sqlx::query(&sql).bind(scope.tenant.as_str()).bind(mapping_scope.map(|s| s.to_string()));
            for d in devices.iter().flatten() {
                q = q.bind(MappingScope::Device(*d).to_string());
            }
            q.fetch_all(p).await.map_err(db_err)?.iter().map(mapping_from_row).collect()
        })
    }
}

impl Store {
    /// Ids of the devices in `scope`.
    async fn device_ids_in(&self, scope: &Scope) -> Result<Vec<DeviceId>, RepoError> {
        let sql = format!(
            "SELECT id FROM devices WHERE tenant_id = $1{}",
            station_clause("station_id", scope.station_list(), 2)
        );
        let ids = on_read!(self, p => {
            let mut q = sqlx::query(&sql).bind(scope.tenant.as_str());
            for s in scope.station_list().into_iter().flatten() {
                q = q.bind(s.as_uuid());
            }
            q.fetch_all(p).await.map_err(db_err)?.iter().map(|r| r.uuid("id")).collect::<Result<Vec<_>, _>>()?
        });
        Ok(ids.into_iter().map(DeviceId::from_uuid).collect())
    }
}
