-- The conversion mapping (docs/conversions.md): per tenant and destination, the rules a seller set
-- (kinds left out keep their defaults, which live in the code). It replaces the Meta connection's
-- sendRefunds switch: a tenant that had opted in gets refunds and chargebacks turned on here.
CREATE TABLE conversion_mappings (
  tenant_id    text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  destination  text NOT NULL,
  rules        jsonb NOT NULL DEFAULT '{}'::jsonb,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, destination)
);

INSERT INTO conversion_mappings (tenant_id, destination, rules)
SELECT tenant_id, 'meta',
       '{"refund": {"event": "Refund", "value": "paid"}, "chargeback": {"event": "Chargeback", "value": "paid"}}'::jsonb
FROM connections
WHERE kind = 'meta' AND settings -> 'sendRefunds' = 'true'::jsonb;

UPDATE connections SET settings = settings - 'sendRefunds' WHERE kind = 'meta' AND settings ? 'sendRefunds';

-- What the seller keeps of a sale, where the gateway states it (Hotmart's producer commission, Kiwify's
-- my_commission): a mapping rule may send it as the value instead of what the buyer paid.
ALTER TABLE conversions ADD COLUMN net_value numeric;
