package dev.latchkey.store.jdbc;

import dev.latchkey.core.store.DeclarationStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** The {@code declarations} table: a handful of rows, one per object an apply created. */
final class JdbcDeclarationStore implements DeclarationStore {

    private final Transactor db;

    JdbcDeclarationStore(Transactor db) {
        this.db = db;
    }

    @Override
    public List<Declared> all() {
        return db.read(c -> {
            List<Declared> all = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT kind, name, object_id FROM declarations ORDER BY kind, name");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.add(new Declared(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
            return all;
        });
    }

    @Override
    public void put(Declared declared) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO declarations (kind, name, object_id)"
                    + " VALUES (?, ?, ?) ON CONFLICT (kind, name) DO UPDATE SET object_id = excluded.object_id")) {
                ps.setString(1, declared.kind());
                ps.setString(2, declared.name());
                ps.setString(3, declared.objectId());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public boolean remove(String kind, String name) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM declarations WHERE kind = ? AND name = ?")) {
                ps.setString(1, kind);
                ps.setString(2, name);
                return ps.executeUpdate() > 0;
            }
        });
    }
}
