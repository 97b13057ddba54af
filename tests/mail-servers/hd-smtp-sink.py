#!/usr/bin/env python3
# An SMTP server for Helpdesk's tests, on 127.0.0.1: it keeps every message
# it takes as FOLDER/NNNNNN.eml (the bytes as they arrived, dot-stuffing
# undone) and FOLDER/NNNNNN.json (envelope sender and recipients), the .eml
# written last. Recipients whose name starts with "refuse" get a 550,
# "later" a 451; with --user and --password it asks for a login.
# Prints the port it listens on, then serves until it is stopped.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import argparse
import asyncio
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
        with open(base + '.tmp', 'wb') as f:
            f.write(envelope.original_content)
        os.rename(base + '.tmp', base + '.eml')
        return '250 2.0.0 Ok: queued as HD%06d' % self.count


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
    args = parser.parse_args()

    context = None
    if args.security != 'plain':
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    def authenticate(server, session, envelope, mechanism, data):
        good = (isinstance(data, LoginPassword) and
                data.login == args.user.encode() and data.password == args.password.encode())
        return AuthResult(success=good, handled=False)

    sink = Sink(args.folder)
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
