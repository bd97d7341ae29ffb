// libsecret (Debian's libsecret-1-dev): saved passwords in the Secret Service (issue 15, item 5).
//
// Swift cannot call C variadic functions, so every call here is a non-variadic wrapper over the `*v_sync`
// variants (attributes in a GHashTable). Ownership: a string returned by sg_secret_lookup is freed with
// sg_secret_free (secret_password_free wipes it first); an error set through `message` is a g_strdup'd string
// freed with g_free via sg_secret_free_message. No GLib type is seen outside these wrappers but GCancellable.
#ifndef SWIFTGATE_CSECRET_SHIM_H
#define SWIFTGATE_CSECRET_SHIM_H

#include <libsecret/secret.h>
#include <string.h>

// The one schema of Swiftgate's items: a gateway (host:port) and a user name.
static inline const SecretSchema *sg_secret_schema(void) {
    static const SecretSchema schema = {
        "org.swiftgate.Password", SECRET_SCHEMA_NONE,
        {
            { "gateway", SECRET_SCHEMA_ATTRIBUTE_STRING },
            { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
            { NULL, 0 },
        },
    };
    return &schema;
}

// Attribute table; keys and values are borrowed (the caller's strings outlive the call).
static inline GHashTable *sg_secret_attributes(const char *gateway, const char *user) {
    GHashTable *table = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_insert(table, (gpointer)"gateway", (gpointer)gateway);
    if (user != NULL) g_hash_table_insert(table, (gpointer)"user", (gpointer)user);
    return table;
}

// Moves a GError's message into a g_strdup'd string for the caller and frees the error.
static inline void sg_secret_take_error(GError *error, char **message) {
    if (error == NULL) return;
    if (message != NULL) *message = g_strdup(error->message);
    g_error_free(error);
}

static inline void sg_secret_free_message(char *message) { g_free(message); }

// 1 stored, 0 failed (message set).
static inline int sg_secret_store(const char *gateway, const char *user, const char *label, const char *password,
                                  GCancellable *cancellable, char **message) {
    GError *error = NULL;
    GHashTable *attributes = sg_secret_attributes(gateway, user);
    gboolean ok = secret_password_storev_sync(sg_secret_schema(), attributes, SECRET_COLLECTION_DEFAULT, label,
                                              password, cancellable, &error);
    g_hash_table_unref(attributes);
    sg_secret_take_error(error, message);
    return ok ? 1 : 0;
}

// The password (free with sg_secret_free), or NULL: none saved (message NULL) or a failure (message set).
static inline char *sg_secret_lookup(const char *gateway, const char *user, GCancellable *cancellable, char **message) {
    GError *error = NULL;
    GHashTable *attributes = sg_secret_attributes(gateway, user);
    gchar *password = secret_password_lookupv_sync(sg_secret_schema(), attributes, cancellable, &error);
    g_hash_table_unref(attributes);
    sg_secret_take_error(error, message);
    return password;
}

// Wipes and frees a password from sg_secret_lookup.
static inline void sg_secret_free(char *password) {
    if (password != NULL) secret_password_free(password);
}

// Removes every item of the gateway (user NULL) or of one user there. 1 removed, 0 none or failed (message set
// on failure).
static inline int sg_secret_clear(const char *gateway, const char *user, GCancellable *cancellable, char **message) {
    GError *error = NULL;
    GHashTable *attributes = sg_secret_attributes(gateway, user);
    gboolean removed = secret_password_clearv_sync(sg_secret_schema(), attributes, cancellable, &error);
    g_hash_table_unref(attributes);
    sg_secret_take_error(error, message);
    return removed ? 1 : 0;
}

// Whether a Secret Service owns its name on the session bus now and answers a ping (activation is not counted: a
// service that would be started on demand has no unlocked keyring and would prompt where nobody can answer).
// 1 yes, 0 no; each of the two bus calls is bounded by timeout_ms; connecting fails fast on a dead address.
static inline int sg_secret_service_running(int timeout_ms, GCancellable *cancellable) {
    GError *error = NULL;
    GDBusConnection *bus = g_bus_get_sync(G_BUS_TYPE_SESSION, cancellable, &error);
    if (bus == NULL) {
        if (error != NULL) g_error_free(error);
        return 0;
    }
    // The shared connection (libsecret uses it too) would otherwise end the whole process when the bus goes away.
    g_dbus_connection_set_exit_on_close(bus, FALSE);
    GVariant *reply = g_dbus_connection_call_sync(
        bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "NameHasOwner",
        g_variant_new("(s)", "org.freedesktop.secrets"), G_VARIANT_TYPE("(b)"), G_DBUS_CALL_FLAGS_NO_AUTO_START,
        timeout_ms, cancellable, &error);
    int running = 0;
    if (reply != NULL) {
        gboolean owned = FALSE;
        g_variant_get(reply, "(b)", &owned);
        running = owned ? 1 : 0;
        g_variant_unref(reply);
    }
    if (error != NULL) {
        g_error_free(error);
        error = NULL;
    }
    if (running) {
        // Owned is not enough: it must answer (a stuck keyring would make every later call wait out its timeout).
        GVariant *pong = g_dbus_connection_call_sync(
            bus, "org.freedesktop.secrets", "/org/freedesktop/secrets", "org.freedesktop.DBus.Peer", "Ping", NULL, NULL,
            G_DBUS_CALL_FLAGS_NO_AUTO_START, timeout_ms, cancellable, &error);
        if (pong != NULL) g_variant_unref(pong); else running = 0;
        if (error != NULL) g_error_free(error);
    }
    g_object_unref(bus);
    return running;
}

static inline GCancellable *sg_cancellable_new(void) { return g_cancellable_new(); }
static inline void sg_cancellable_cancel(GCancellable *cancellable) { g_cancellable_cancel(cancellable); }
static inline int sg_cancellable_is_cancelled(GCancellable *cancellable) { return g_cancellable_is_cancelled(cancellable) ? 1 : 0; }
static inline void sg_cancellable_free(GCancellable *cancellable) {
    if (cancellable != NULL) g_object_unref(cancellable);
}

#endif
