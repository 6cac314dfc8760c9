-- The approximate place of a push request's browser address (portvakt.geoip.database), looked up once when the
-- request is created and shown on the device with the address; null without a GeoIP database or for an address
-- it does not know.
ALTER TABLE push_request ADD COLUMN place varchar(200);
