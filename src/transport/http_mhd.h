/* http_mhd: libmicrohttpd, loaded with dlopen when the HTTP transport
 * starts instead of linked.  Linking it pulls GnuTLS and p11-kit into
 * every start of the gateway, whose constructors cost ~2 ms of a cold
 * start, although only --http uses it.  The HTTP files include this
 * header instead of <microhttpd.h>: the names below then call through the
 * loaded table, with the very types the library header declares. */
#ifndef HTTP_MHD_H
#define HTTP_MHD_H

#include <microhttpd.h>

#include "util/err.h"

typedef struct {
    __typeof__(MHD_start_daemon) *start_daemon;
    __typeof__(MHD_stop_daemon) *stop_daemon;
    __typeof__(MHD_add_response_header) *add_response_header;
    __typeof__(MHD_queue_response) *queue_response;
    __typeof__(MHD_get_connection_info) *get_connection_info;
    __typeof__(MHD_destroy_response) *destroy_response;
    __typeof__(MHD_create_response_from_callback) *create_response_from_callback;
    __typeof__(MHD_lookup_connection_value) *lookup_connection_value;
    __typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
    __typeof__(MHD_get_connection_values) *get_connection_values;
    __typeof__(MHD_is_feature_supported) *is_feature_supported;
    __typeof__(MHD_suspend_connection) *suspend_connection;
    __typeof__(MHD_resume_connection) *resume_connection;
} http_mhd_api;

extern http_mhd_api http_mhd;

/* Loads libmicrohttpd.so.12 once; -1 with e when it is missing. */
int http_mhd_load(err *e);

#define MHD_start_daemon                (*http_mhd.start_daemon)
#define MHD_stop_daemon                 (*http_mhd.stop_daemon)
#define MHD_add_response_header         (*http_mhd.add_response_header)
#define MHD_queue_response              (*http_mhd.queue_response)
#define MHD_get_connection_info         (*http_mhd.get_connection_info)
#define MHD_destroy_response            (*http_mhd.destroy_response)
#define MHD_create_response_from_callback (*http_mhd.create_response_from_callback)
#define MHD_lookup_connection_value     (*http_mhd.lookup_connection_value)
#define MHD_create_response_from_buffer (*http_mhd.create_response_from_buffer)
#define MHD_get_connection_values       (*http_mhd.get_connection_values)
#define MHD_is_feature_supported        (*http_mhd.is_feature_supported)
#define MHD_suspend_connection          (*http_mhd.suspend_connection)
#define MHD_resume_connection           (*http_mhd.resume_connection)

#endif
