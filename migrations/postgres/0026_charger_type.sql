-- What each charge point charges, counted by the fleet statistics: `ac`, `dc` or `two_wheeler`.
-- Existing charge points are AC unless they speak AP3000 (two-wheeler chargers in the field); an
-- operator corrects it with PUT /api/v1/charge-points/{id}/charger-type.
ALTER TABLE charge_points ADD COLUMN charger_type TEXT NOT NULL DEFAULT 'ac'
    CHECK (charger_type IN ('ac', 'dc', 'two_wheeler'));
UPDATE charge_points SET charger_type = 'two_wheeler' WHERE protocol = 'ap3000';
