-- The client list filters (search by name or id, scope, owner) are answered from this index alone,
-- in the list's order, without reading the clients' metadata: a search that matches nothing among
-- 100,000 clients reads the index, not the table (latchkey-bench DashboardScale, BENCHMARKS.md).
-- It starts with the columns of clients_listing, which it replaces.
CREATE INDEX clients_search ON clients (issued_at, client_id, owner_id, name, scopes);
DROP INDEX clients_listing;
