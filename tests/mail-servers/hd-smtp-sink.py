#!/usr/bin/env python3
# An SMTP server for Helpdesk's tests, on 127.0.0.1: it keeps every message
# it takes as FOLDER/NNNNNN.eml (the bytes as they arrived, dot-stuffing
# undone), FOLDER/NNNNNN.json (envelope sender and recipients) and
# FOLDER/NNNNNN.peer (the client's address and port: its connection), the .eml
# written last. Recipients whose name starts with "refuse" get a 550,
# "later" a 451; with --user and --password it asks for a login, and with
# --token (any number) it also takes AUTH XOAUTH2 with one of those tokens
# for --user, as Gmail does (a refused token gets a 334 with the error in
# JSON, then 535), appending every token it is shown to FOLDER/asked.
# Prints the port it listens on, then serves until it is stopped.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import argparse
import asyncio
import base64
import json
import os
import ssl
import logging
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, options):
        name = address.split('@')[0].lower()
        if name.startswith('refuse'):
            return '550 5.1.1 <%s>: Recipient address rejected: User unknown' % address
        if name.startswith('later'):
            return '451 4.3.0 <%s>: Temporary lookup failure' % address
        envelope.rcpt_tos.append(address)
        return '250 2.1.5 Ok'

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.folder, '%06d' % self.count)
        with open(base + '.json', 'w') as f:
            json.dump({'mail_from': envelope.mail_from, 'rcpt_tos': envelope.rcpt_tos}, f)
        with open(base + '.peer', 'w') as f:
            f.write('%s:%d' % tuple(session.peer[:2]))
        with open(base + '.tmp', 'wb') as f:
            f.write(envelope.original_content)
        os.rename(base + '.tmp', base + '.eml')
        return '250 2.0.0 Ok: queued as HD%06d' % self.count


class OAuthSink(Sink):
    def __init__(self, folder, user, tokens):
        super().__init__(folder)
        self.user = user
        self.tokens = tokens

    async def auth_XOAUTH2(self, server, args):
        if len(args) == 1:
            blob = await server.challenge_auth('')
        else:
            blob = base64.b64decode(args[1])
        # "user=…\x01auth=Bearer …\x01\x01"
        fields = dict(part.split('=', 1) for part in blob.decode().split('\x01') if '=' in part)
        token = fields.get('auth', '')[len('Bearer '):]
        with open(os.path.join(self.folder, 'asked'), 'a') as f:
            f.write(token + '\n')
        if fields.get('user') == self.user and token in self.tokens:
            return AuthResult(success=True, auth_data=fields['user'])
        await server.challenge_auth(json.dumps({'status': '400', 'schemes': 'Bearer',
                                                'scope': 'https://mail.example/'}))
        return AuthResult(success=False, handled=False)


def main():
    # aiosmtpd 1.4 logs a warning about its own use of Session.login_data.
    logging.getLogger('mail.log').setLevel(logging.ERROR)
    parser = argparse.ArgumentParser()
    parser.add_argument('folder')
    parser.add_argument('--security', choices=['plain', 'starttls', 'tls'], default='plain')
    parser.add_argument('--cert')
    parser.add_argument('--key')
    parser.add_argument('--user')
    parser.add_argument('--password')
    parser.add_argument('--token', action='append', default=[])
    args = parser.parse_args()

    context = None
    if args.security != 'plain':
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    def authenticate(server, session, envelope, mechanism, data):
        good = (isinstance(data, LoginPassword) and
                data.login == args.user.encode() and data.password == args.password.encode())
        return AuthResult(success=good, handled=False)

    sink = OAuthSink(args.folder, args.user, args.token) if args.token else Sink(args.folder)
    options = {'hostname': 'localhost', 'auth_require_tls': False}
    if args.user:
        options['authenticator'] = authenticate
    if args.security == 'starttls':
        options['tls_context'] = context
        options['require_starttls'] = True

    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(
        lambda: SMTP(sink, **options), host='127.0.0.1', port=0,
        ssl=context if args.security == 'tls' else None))
    print(server.sockets[0].getsockname()[1], flush=True)
    loop.run_forever()


if __name__ == '__main__':
    sys.exit(main())
