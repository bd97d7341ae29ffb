// libsecret (Debian's libsecret-1-dev): saved passwords in the Secret Service (issue 15, item 5).
//
// Swift cannot call C variadic functions, so every call here is a non-variadic wrapper over the `*v_sync`
// variants (attributes in a GHashTable). Ownership: a string returned by sg_secret_lookup is freed with
// sg_secret_free (secret_password_free wipes it first); an error set through `message` is freed with
// sg_secret_free_message. No GLib type is seen outside these wrappers but GCancellable.
//
// Loaded on first use (dlopen), not linked: libsecret brings GIO, GObject, GLib and seven more libraries whose
// loading, relocation and constructors cost every start of every command about 2.4 MB of resident pages, while
// only a saved password needs them (docs/PERFORMANCE.md, issue 12). The headers give the exact function types.
#ifndef SWIFTGATE_CSECRET_SHIM_H
#define SWIFTGATE_CSECRET_SHIM_H

#include <dlfcn.h>
#include <libsecret/secret.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *failure;  // NULL once every symbol is found
    char failure_text[256];
    __typeof__(&secret_password_storev_sync) password_storev_sync;
    __typeof__(&secret_password_lookupv_sync) password_lookupv_sync;
    __typeof__(&secret_password_clearv_sync) password_clearv_sync;
    __typeof__(&secret_password_free) password_free;
    __typeof__(&g_hash_table_new) hash_table_new;
    __typeof__(&g_str_hash) str_hash;
    __typeof__(&g_str_equal) str_equal;
    __typeof__(&g_hash_table_insert) hash_table_insert;
    __typeof__(&g_hash_table_unref) hash_table_unref;
    __typeof__(&g_strdup) strdup_;
    __typeof__(&g_error_free) error_free;
    __typeof__(&g_free) free_;
    __typeof__(&g_bus_get_sync) bus_get_sync;
    __typeof__(&g_dbus_connection_set_exit_on_close) dbus_connection_set_exit_on_close;
    __typeof__(&g_dbus_connection_call_sync) dbus_connection_call_sync;
    __typeof__(&g_variant_new) variant_new;
    __typeof__(&g_variant_get) variant_get;
    __typeof__(&g_variant_unref) variant_unref;
    __typeof__(&g_object_unref) object_unref;
    __typeof__(&g_cancellable_new) cancellable_new;
    __typeof__(&g_cancellable_cancel) cancellable_cancel;
    __typeof__(&g_cancellable_is_cancelled) cancellable_is_cancelled;
} sg_secret_api;

static inline sg_secret_api *sg_secret_api_storage(void) {
    static sg_secret_api api;
    return &api;
}

static inline void sg_secret_api_load(void) {
    sg_secret_api *api = sg_secret_api_storage();
    // Kept for the life of the process: GLib cannot be unloaded.
    void *library = dlopen("libsecret-1.so.0", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *reason = dlerror();
        snprintf(api->failure_text, sizeof api->failure_text, "%s", reason != NULL ? reason : "libsecret-1.so.0: not found");
        api->failure = api->failure_text;
        return;
    }
#define SG_SECRET_SYMBOL(field, name)                                                                    \
    if ((api->field = (__typeof__(api->field))dlsym(library, #name)) == NULL) {                         \
        snprintf(api->failure_text, sizeof api->failure_text, "libsecret-1.so.0 has no %s", #name);     \
        api->failure = api->failure_text;                                                                \
        return;                                                                                          \
    }
    SG_SECRET_SYMBOL(password_storev_sync, secret_password_storev_sync)
    SG_SECRET_SYMBOL(password_lookupv_sync, secret_password_lookupv_sync)
    SG_SECRET_SYMBOL(password_clearv_sync, secret_password_clearv_sync)
    SG_SECRET_SYMBOL(password_free, secret_password_free)
    SG_SECRET_SYMBOL(hash_table_new, g_hash_table_new)
    SG_SECRET_SYMBOL(str_hash, g_str_hash)
    SG_SECRET_SYMBOL(str_equal, g_str_equal)
    SG_SECRET_SYMBOL(hash_table_insert, g_hash_table_insert)
    SG_SECRET_SYMBOL(hash_table_unref, g_hash_table_unref)
    SG_SECRET_SYMBOL(strdup_, g_strdup)
    SG_SECRET_SYMBOL(error_free, g_error_free)
    SG_SECRET_SYMBOL(free_, g_free)
    SG_SECRET_SYMBOL(bus_get_sync, g_bus_get_sync)
    SG_SECRET_SYMBOL(dbus_connection_set_exit_on_close, g_dbus_connection_set_exit_on_close)
    SG_SECRET_SYMBOL(dbus_connection_call_sync, g_dbus_connection_call_sync)
    SG_SECRET_SYMBOL(variant_new, g_variant_new)
    SG_SECRET_SYMBOL(variant_get, g_variant_get)
    SG_SECRET_SYMBOL(variant_unref, g_variant_unref)
    SG_SECRET_SYMBOL(object_unref, g_object_unref)
    SG_SECRET_SYMBOL(cancellable_new, g_cancellable_new)
    SG_SECRET_SYMBOL(cancellable_cancel, g_cancellable_cancel)
    SG_SECRET_SYMBOL(cancellable_is_cancelled, g_cancellable_is_cancelled)
#undef SG_SECRET_SYMBOL
    api->failure = NULL;
}

// The loaded library, or NULL (sg_secret_load_failure says why). Loads it once, on the first call.
static inline const sg_secret_api *sg_secret(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, sg_secret_api_load);
    const sg_secret_api *api = sg_secret_api_storage();
    return api->failure == NULL ? api : NULL;
}

// Why libsecret could not be loaded (dlerror's words), or NULL when it is loaded.
static inline const char *sg_secret_load_failure(void) {
    return sg_secret() == NULL ? sg_secret_api_storage()->failure : NULL;
}

// A message for `message` when the library is missing: g_strdup is not there to make one, so plain malloc'd
// text, freed by sg_secret_free_message with free() in that case.
static inline void sg_secret_missing(char **message) {
    if (message != NULL) *message = strdup(sg_secret_api_storage()->failure);
}

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
static inline GHashTable *sg_secret_attributes(const sg_secret_api *api, const char *gateway, const char *user) {
    GHashTable *table = api->hash_table_new(api->str_hash, api->str_equal);
    api->hash_table_insert(table, (gpointer)"gateway", (gpointer)gateway);
    if (user != NULL) api->hash_table_insert(table, (gpointer)"user", (gpointer)user);
    return table;
}

// Moves a GError's message into a g_strdup'd string for the caller and frees the error.
static inline void sg_secret_take_error(const sg_secret_api *api, GError *error, char **message) {
    if (error == NULL) return;
    if (message != NULL) *message = api->strdup_(error->message);
    api->error_free(error);
}

static inline void sg_secret_free_message(char *message) {
    const sg_secret_api *api = sg_secret();
    if (api != NULL) api->free_(message); else free(message);
}

// 1 stored, 0 failed (message set).
static inline int sg_secret_store(const char *gateway, const char *user, const char *label, const char *password,
                                  GCancellable *cancellable, char **message) {
    const sg_secret_api *api = sg_secret();
    if (api == NULL) { sg_secret_missing(message); return 0; }
    GError *error = NULL;
    GHashTable *attributes = sg_secret_attributes(api, gateway, user);
    gboolean ok = api->password_storev_sync(sg_secret_schema(), attributes, SECRET_COLLECTION_DEFAULT, label,
                                            password, cancellable, &error);
    api->hash_table_unref(attributes);
    sg_secret_take_error(api, error, message);
    return ok ? 1 : 0;
}

// The password (free with sg_secret_free), or NULL: none saved (message NULL) or a failure (message set).
static inline char *sg_secret_lookup(const char *gateway, const char *user, GCancellable *cancellable, char **message) {
    const sg_secret_api *api = sg_secret();
    if (api == NULL) { sg_secret_missing(message); return NULL; }
    GError *error = NULL;
    GHashTable *attributes = sg_secret_attributes(api, gateway, user);
    gchar *password = api->password_lookupv_sync(sg_secret_schema(), attributes, cancellable, &error);
    api->hash_table_unref(attributes);
    sg_secret_take_error(api, error, message);
    return password;
}

// Wipes and frees a password from sg_secret_lookup.
static inline void sg_secret_free(char *password) {
    const sg_secret_api *api = sg_secret();
    if (password != NULL && api != NULL) api->password_free(password);
}

// Removes every item of the gateway (user NULL) or of one user there. 1 removed, 0 none or failed (message set
// on failure).
static inline int sg_secret_clear(const char *gateway, const char *user, GCancellable *cancellable, char **message) {
    const sg_secret_api *api = sg_secret();
    if (api == NULL) { sg_secret_missing(message); return 0; }
    GError *error = NULL;
    GHashTable *attributes = sg_secret_attributes(api, gateway, user);
    gboolean removed = api->password_clearv_sync(sg_secret_schema(), attributes, cancellable, &error);
    api->hash_table_unref(attributes);
    sg_secret_take_error(api, error, message);
    return removed ? 1 : 0;
}

// Whether a Secret Service owns its name on the session bus now and answers a ping (activation is not counted: a
// service that would be started on demand has no unlocked keyring and would prompt where nobody can answer).
// 1 yes, 0 no (also when libsecret cannot be loaded); each of the two bus calls is bounded by timeout_ms;
// connecting fails fast on a dead address.
static inline int sg_secret_service_running(int timeout_ms, GCancellable *cancellable) {
    const sg_secret_api *api = sg_secret();
    if (api == NULL) return 0;
    GError *error = NULL;
    GDBusConnection *bus = api->bus_get_sync(G_BUS_TYPE_SESSION, cancellable, &error);
    if (bus == NULL) {
        if (error != NULL) api->error_free(error);
        return 0;
    }
    // The shared connection (libsecret uses it too) would otherwise end the whole process when the bus goes away.
    api->dbus_connection_set_exit_on_close(bus, FALSE);
    // A GVariantType is its type string (G_VARIANT_TYPE only adds a check that would need one more symbol).
    GVariant *reply = api->dbus_connection_call_sync(
        bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "NameHasOwner",
        api->variant_new("(s)", "org.freedesktop.secrets"), (const GVariantType *)"(b)", G_DBUS_CALL_FLAGS_NO_AUTO_START,
        timeout_ms, cancellable, &error);
    int running = 0;
    if (reply != NULL) {
        gboolean owned = FALSE;
        api->variant_get(reply, "(b)", &owned);
        running = owned ? 1 : 0;
        api->variant_unref(reply);
    }
    if (error != NULL) {
        api->error_free(error);
        error = NULL;
    }
    if (running) {
        // Owned is not enough: it must answer (a stuck keyring would make every later call wait out its timeout).
        GVariant *pong = api->dbus_connection_call_sync(
            bus, "org.freedesktop.secrets", "/org/freedesktop/secrets", "org.freedesktop.DBus.Peer", "Ping", NULL, NULL,
            G_DBUS_CALL_FLAGS_NO_AUTO_START, timeout_ms, cancellable, &error);
        if (pong != NULL) api->variant_unref(pong); else running = 0;
        if (error != NULL) api->error_free(error);
    }
    api->object_unref(bus);
    return running;
}

// NULL when libsecret cannot be loaded; every function here takes a NULL cancellable.
static inline GCancellable *sg_cancellable_new(void) {
    const sg_secret_api *api = sg_secret();
    return api != NULL ? api->cancellable_new() : NULL;
}
static inline void sg_cancellable_cancel(GCancellable *cancellable) {
    const sg_secret_api *api = sg_secret();
    if (cancellable != NULL && api != NULL) api->cancellable_cancel(cancellable);
}
static inline int sg_cancellable_is_cancelled(GCancellable *cancellable) {
    const sg_secret_api *api = sg_secret();
    return cancellable != NULL && api != NULL && api->cancellable_is_cancelled(cancellable) ? 1 : 0;
}
static inline void sg_cancellable_free(GCancellable *cancellable) {
    const sg_secret_api *api = sg_secret();
    if (cancellable != NULL && api != NULL) api->object_unref(cancellable);
}

#endif
