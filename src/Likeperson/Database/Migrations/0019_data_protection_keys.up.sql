-- The ASP.NET Core data-protection key ring (it encrypts the session cookie, the antiforgery tokens and the sign-in flow's
-- state): kept here so that every instance of the server accepts every session, and a restart signs nobody out. Read
-- and written only by the worker role (Web/DataProtectionKeys.cs); the application role, which runs requests, cannot.
CREATE TABLE data_protection_keys (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  friendly_name text,
  xml           text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON data_protection_keys FROM PUBLIC;
GRANT SELECT, INSERT, DELETE ON data_protection_keys TO likeperson_worker;
