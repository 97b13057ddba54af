'''GNOME Online Accounts, as far as Helpdesk's tests need it

A python-dbusmock template: the object manager of org.gnome.OnlineAccounts
on the session bus, with no accounts until the test adds some with
AddMailAccount (org.freedesktop.DBus.Mock on /org/gnome/OnlineAccounts).
Each account answers GetAccessToken with its token, and EnsureCredentials
by renewing it: the token becomes the renewed one given, or, when that is
empty, the account says its person must sign in again (NotAuthorized).
'''

# SPDX-License-Identifier: GPL-3.0-or-later

import dbus

from dbusmock import MOCK_IFACE, mockobject

BUS_NAME = 'org.gnome.OnlineAccounts'
MAIN_OBJ = '/org/gnome/OnlineAccounts'
SYSTEM_BUS = False
IS_OBJECT_MANAGER = True

ACCOUNT = 'org.gnome.OnlineAccounts.Account'
OAUTH2 = 'org.gnome.OnlineAccounts.OAuth2Based'
MAIL = 'org.gnome.OnlineAccounts.Mail'

ENSURE = '''
if not self.hd_renewed:
    raise dbus.exceptions.DBusException(
        'The refresh token was refused', name='org.gnome.OnlineAccounts.Error.NotAuthorized')
self.hd_token = self.hd_renewed
ret = 3600
'''


def load(mock, parameters):
    pass


@dbus.service.method(MOCK_IFACE, in_signature='sssssb', out_signature='o')
def AddMailAccount(self, account_id, email, provider, token, renewed, reads_mail):
    '''Adds an account that signs in with OAuth 2.0; with its Mail
    interface when reads_mail. Returns its object path.'''
    path = MAIN_OBJ + '/Accounts/' + account_id
    self.AddObject(path, ACCOUNT, {
        'Id': account_id,
        'ProviderType': provider.lower(),
        'ProviderName': provider,
        'Identity': email,
        'PresentationIdentity': email,
        'MailDisabled': not reads_mail,
        'AttentionNeeded': False,
        'IsTemporary': False,
    }, [('EnsureCredentials', '', 'i', ENSURE)])
    account = mockobject.objects[path]
    account.hd_token = token
    account.hd_renewed = renewed
    account.AddProperties(OAUTH2, {
        'ClientId': dbus.String('helpdesk-test', variant_level=1),
        'ClientSecret': dbus.String('', variant_level=1),
    })
    account.AddMethods(OAUTH2, [('GetAccessToken', '', 'si', 'ret = (self.hd_token, 3600)')])
    if reads_mail:
        account.AddProperties(MAIL, {
            'EmailAddress': dbus.String(email, variant_level=1),
            'ImapSupported': dbus.Boolean(True, variant_level=1),
            'ImapHost': dbus.String('localhost', variant_level=1),
            'ImapUserName': dbus.String(email, variant_level=1),
            'SmtpSupported': dbus.Boolean(True, variant_level=1),
            'SmtpHost': dbus.String('localhost', variant_level=1),
            'SmtpAuthXoauth2': dbus.Boolean(True, variant_level=1),
        })
    self.object_manager_emit_added(path)
    return path
