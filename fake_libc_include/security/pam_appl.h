/* polusgen fake <security/pam_appl.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SECURITY_PAM_APPL_H
#define _POLUS_SECURITY_PAM_APPL_H
typedef struct pam_handle pam_handle_t;
struct pam_message { int msg_style; const char *msg; };
struct pam_response { char *resp; int resp_retcode; };
struct pam_conv {
    int (*conv)(int, const struct pam_message **, struct pam_response **, void *);
    void *appdata_ptr;
};
#define PAM_SUCCESS PAM_SUCCESS
#define PAM_ABORT PAM_ABORT
#define PAM_AUTH_ERR PAM_AUTH_ERR
#define PAM_CONV_ERR PAM_CONV_ERR
#define PAM_BUF_ERR PAM_BUF_ERR
#define PAM_USER_UNKNOWN PAM_USER_UNKNOWN
#define PAM_NEW_AUTHTOK_REQD PAM_NEW_AUTHTOK_REQD
#define PAM_ACCT_EXPIRED PAM_ACCT_EXPIRED
#define PAM_PERM_DENIED PAM_PERM_DENIED
#define PAM_SILENT PAM_SILENT
#define PAM_DISALLOW_NULL_AUTHTOK PAM_DISALLOW_NULL_AUTHTOK
#define PAM_ESTABLISH_CRED PAM_ESTABLISH_CRED
#define PAM_DELETE_CRED PAM_DELETE_CRED
#define PAM_REINITIALIZE_CRED PAM_REINITIALIZE_CRED
#define PAM_REFRESH_CRED PAM_REFRESH_CRED
#define PAM_PROMPT_ECHO_OFF PAM_PROMPT_ECHO_OFF
#define PAM_PROMPT_ECHO_ON PAM_PROMPT_ECHO_ON
#define PAM_ERROR_MSG PAM_ERROR_MSG
#define PAM_TEXT_INFO PAM_TEXT_INFO
#define PAM_SERVICE PAM_SERVICE
#define PAM_USER PAM_USER
#define PAM_TTY PAM_TTY
#define PAM_RHOST PAM_RHOST
#define PAM_CONV PAM_CONV
#define PAM_RUSER PAM_RUSER
int pam_start(const char *, const char *, const struct pam_conv *, pam_handle_t **);
int pam_end(pam_handle_t *, int);
int pam_authenticate(pam_handle_t *, int);
int pam_acct_mgmt(pam_handle_t *, int);
int pam_setcred(pam_handle_t *, int);
int pam_open_session(pam_handle_t *, int);
int pam_close_session(pam_handle_t *, int);
int pam_chauthtok(pam_handle_t *, int);
int pam_set_item(pam_handle_t *, int, const void *);
int pam_get_item(const pam_handle_t *, int, const void **);
const char *pam_strerror(pam_handle_t *, int);
int pam_putenv(pam_handle_t *, const char *);
const char *pam_getenv(pam_handle_t *, const char *);
char **pam_getenvlist(pam_handle_t *);
#endif
