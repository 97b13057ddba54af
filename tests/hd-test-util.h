/* hd-test-util.h — shared helpers for the test programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hd-calendar.h"
#include "hd-store.h"

G_BEGIN_DECLS

/* The test case's own folder, created on demand. */
const char *hd_test_dir          (void);

/* A fresh path for a helpdesk file in the test's isolated temporary
 * folder (g_test_init with G_TEST_OPTION_ISOLATE_DIRS). */
char     *hd_test_new_path      (const char *name);

/* Creates a helpdesk at a fresh path: "disp" is its dispatcher, "tech1"
 * (tier 1) and "tech2" (tier 2) technicians, "req1" and "req2"
 * requesters. Returns the dispatcher's store. */
HdStore  *hd_test_new_helpdesk  (char      **path);

/* Like hd_test_new_helpdesk(), at @path (a mount of the test's own, say). */
HdStore  *hd_test_new_helpdesk_at (const char *path);

/* Adds the people of hd_test_new_helpdesk() to a new helpdesk. */
void      hd_test_add_people    (HdStore    *store);

/* The first column of the first row of @sql, run on @path read-only with
 * @arg (or nothing) bound to its one parameter: -1 / NULL when there is
 * no row. Asserts that the file opens and the statement is valid. */
gint64    hd_test_query_int     (const char *path,
                                 const char *sql,
                                 const char *arg);
char     *hd_test_query_text    (const char *path,
                                 const char *sql,
                                 const char *arg);

/* Opens @path as @login, asserting success. */
HdStore  *hd_test_open_as       (const char *path,
                                 const char *login);

/* A helpdesk of hd_test_new_helpdesk() and a store for each of its
 * people: the fixture of many tests (g_test_add). */
typedef struct {
  char    *path;
  HdStore *disp;
  HdStore *tech1;
  HdStore *req1;
  HdStore *req2;
} HdTestOffice;

void      hd_test_office_set_up    (HdTestOffice  *office,
                                    gconstpointer  data);
void      hd_test_office_tear_down (HdTestOffice  *office,
                                    gconstpointer  data);

/* Files a ticket as the acting person of @store, asserting success. */
HdTicket *hd_test_file_ticket   (HdStore    *store,
                                 const char *title);

/* The whole file's bytes, to prove a refused file was left alone. */
GBytes   *hd_test_read_bytes    (const char *path);

/* For the SLA engine's tests: skips the test when @zone is not installed. */
gboolean    hd_test_have_zone      (const char *zone);
/* Asserts that the calendar is valid. */
HdCalendar *hd_test_new_calendar   (const char *zone,
                                    const char *hours,
                                    const char *holidays);
/* “YYYY-MM-DD HH:MM[:SS][±HH:MM]” in @cal's zone unless an offset is
 * given, read by GLib, not by the code under test. */
gint64      hd_test_at             (HdCalendar *cal,
                                    const char *text);
void        hd_test_assert_instant (const char *file,
                                    int         line,
                                    const char *func,
                                    HdCalendar *cal,
                                    gint64      actual,
                                    const char *expected);

#define assert_instant(cal, actual, expected) \
  hd_test_assert_instant (__FILE__, __LINE__, G_STRFUNC, (cal), (actual), (expected))

/* Runs this build's helpdesk-cli ($HELPDESK_CLI, as meson sets it) as
 * "disp" on @path, with the arguments that follow up to NULL; returns its
 * exit status. @out and @err are replaced, so one pair serves a case. */
int         hd_test_run_cli        (const char   *path,
                                    char        **out,
                                    char        **err,
                                    ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
