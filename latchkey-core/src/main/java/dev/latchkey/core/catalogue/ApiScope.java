package dev.latchkey.core.catalogue;

/**
 * A scope of an {@link Api}, with a description written for people. A public scope may be allowed
 * on any developer's client; a restricted one only by the developers an admin granted it to (the
 * seed API's "Enterprise" scopes). Scope values are unique across the catalogue.
 */
public record ApiScope(String value, String apiId, String description, boolean restricted) {
}
