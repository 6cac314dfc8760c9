-- Each application's own look on the sign-in screens (issue 12, from the bootstrap file's display-name, logo and
-- accent-color): one row per client that has one. The logo is small (at most 20 KB, checked at start) and is served
-- by Portvakt under its content hash, so it is kept here with the client rather than on a node's disk.
CREATE TABLE client_brand (
    client_id     varchar(100)             NOT NULL PRIMARY KEY,
    display_name  varchar(200)             NOT NULL,
    logo          bytea,
    logo_type     varchar(3),
    accent_color  varchar(7),
    updated_at    timestamp with time zone NOT NULL
);
