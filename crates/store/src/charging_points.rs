//! Charge points (and the masterdata charger each one is) on the unit of work, and the charging units (connection lookup, offline sweep) on the store.

use crate::charging_rows::{charge_point_from_row, CHARGE_POINT_COLUMNS};
use crate::rows::{db_err, tenant_of, RowExt};
use crate::{Store, StoreTx};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_charging::{ChargePoint, ChargePointRepository, ChargerDirectory, ChargingUnits, OcppIdentity, Protocol};
use mgc_kernel::{DeviceId, RepoError, StationId, TenantId};

#[async_trait]
impl ChargePointRepository for StoreTx {
    async fn charge_point_by_identity(
        &mut self,
        tenant: &TenantId,
        identity: &OcppIdentity,
    ) -> Result<Option<ChargePoint>, RepoError> {
        let sql = format!("SELECT {CHARGE_POINT_COLUMNS} FROM charge_points WHERE tenant_id = $1 AND identity = $2");
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(identity.as_str())
            .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(charge_point_from_row).transpose())
    }

    async fn insert_charge_point(&mut self, cp: &ChargePoint) -> Result<(), RepoError> {
        // The identity row first (a used identity is a conflict here), then every other column
        // through the one UPDATE that saving uses.
        let sql = "INSERT INTO charge_points (id, tenant_id, identity, protocol, registration, connected, created_at,
            updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
        on_tx!(self, c => sqlx::query(sql)
            .bind(cp.id.as_uuid()).bind(cp.tenant.as_str()).bind(cp.identity.as_str()).bind(cp.protocol.as_str())
            .bind(cp.registration.as_str()).bind(cp.connected).bind(cp.created_at).bind(cp.updated_at)
            .execute(&mut *c).await.map_err(db_err).map(|_| ())?);
        self.save_charge_point(cp).await
    }

    async fn save_charge_point(&mut self, cp: &ChargePoint) -> Result<(), RepoError> {
        let sql =
            "UPDATE charge_points SET station_id = $3, device_id = $4, vendor = $5, model = $6, serial_number = $7,
            firmware_version = $8, meter_type = $9, meter_serial_number = $10, registration = $11, connected = $12,
            last_seen = $13, last_boot_at = $14, password_hash = $15, updated_at = $16, firmware_status = $17,
            firmware_status_at = $18, diagnostics_status = $19, diagnostics_status_at = $20,
            charger_type = $21 WHERE tenant_id = $1 AND id = $2";
        let boot = cp.boot_info.as_ref();
        let updated = on_tx!(self, c => sqlx::query(sql)
            .bind(cp.tenant.as_str()).bind(cp.id.as_uuid()).bind(cp.station_id.map(|s| s.as_uuid()))
            .bind(cp.device_id.map(|d| d.as_uuid()))
            .bind(boot.map(|b| b.vendor.as_str())).bind(boot.map(|b| b.model.as_str()))
            .bind(boot.and_then(|b| b.serial_number.as_deref())).bind(boot.and_then(|b| b.firmware_version.as_deref()))
            .bind(boot.and_then(|b| b.meter_type.as_deref())).bind(boot.and_then(|b| b.meter_serial_number.as_deref()))
            .bind(cp.registration.as_str()).bind(cp.connected).bind(cp.last_seen).bind(cp.last_boot_at)
            .bind(cp.password_hash.as_ref().map(|h| h.as_str())).bind(cp.updated_at)
            .bind(cp.firmware.as_ref().map(|f| f.status.as_str())).bind(cp.firmware.as_ref().map(|f| f.at))
            .bind(cp.diagnostics.as_ref().map(|d| d.status.as_str())).bind(cp.diagnostics.as_ref().map(|d| d.at))
            .bind(cp.charger_type.as_str())
            .execute(&mut *c).await.map_err(db_err)?.rows_affected());
        if updated != 1 {
            return Err(RepoError::Conflict(format!("charge point {} is not stored", cp.identity)));
        }
        Ok(())
    }
}

#[async_trait]
impl ChargingUnits for Store {
    type Tx = StoreTx;

    async fn begin_charging_tx(&self) -> Result<StoreTx, RepoError> {
        self.begin().await
    }

    async fn find_charge_point(
        &self,
        tenant: &TenantId,
        identity: &OcppIdentity,
    ) -> Result<Option<ChargePoint>, RepoError> {
        let sql = format!("SELECT {CHARGE_POINT_COLUMNS} FROM charge_points WHERE tenant_id = $1 AND identity = $2");
        on_read!(self, p => sqlx::query(&sql).bind(tenant.as_str()).bind(identity.as_str())
            .fetch_optional(p).await.map_err(db_err)?.as_ref().map(charge_point_from_row).transpose())
    }

    async fn silent_charge_points(
        &self,
        silent_since: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(TenantId, OcppIdentity)>, RepoError> {
        let sql = "SELECT tenant_id, identity FROM charge_points WHERE connected AND last_seen < $1
                   ORDER BY last_seen LIMIT $2";
        on_read!(self, p => sqlx::query(sql).bind(silent_since).bind(i64::from(limit))
            .fetch_all(p).await.map_err(db_err)?.iter().map(|r| {
                let identity = OcppIdentity::parse(&r.text("identity")?)
                    .map_err(|e| crate::commands_rows::corrupt("identity", e))?;
                Ok((tenant_of(r)?, identity))
            }).collect())
    }
}

#[async_trait]
impl ChargerDirectory for StoreTx {
    async fn charger_device(
        &mut self,
        tenant: &TenantId,
        identity: &OcppIdentity,
        protocol: Protocol,
    ) -> Result<Option<(DeviceId, StationId)>, RepoError> {
        let sql = "SELECT id, station_id FROM devices
                   WHERE tenant_id = $1 AND name = $2 AND kind = 'charger' AND protocol = $3";
        on_tx!(self, c => sqlx::query(sql).bind(tenant.as_str()).bind(identity.as_str()).bind(protocol.device_protocol())
            .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref()
            .map(|r| Ok((DeviceId::from_uuid(r.uuid("id")?), StationId::from_uuid(r.uuid("station_id")?))))
            .transpose())
    }
}
