"""A tiny SMTP server for the tests (aiosmtpd): every message it accepts is written to a folder as JSON.

Usage: python smtp_sink.py FOLDER
Prints "PORT <n>" once it listens on 127.0.0.1:<n>, then runs until its standard input closes.
A file FOLDER/fail-next holding a number makes that many next messages fail with 451 (a temporary error).
"""
import email
import json
import os
import socket
import sys
from email import policy

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    def failing(self):
        path = os.path.join(self.folder, 'fail-next')
        try:
            with open(path) as f:
                left = int(f.read().strip() or '0')
        except FileNotFoundError:
            return False
        if left <= 0:
            return False
        with open(path, 'w') as f:
            f.write(str(left - 1))
        return True

    async def handle_DATA(self, server, session, envelope):
        if self.failing():
            return '451 4.3.0 Try again later'
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=policy.default)
        parts = []
        for part in message.walk():
            if part.is_multipart():
                continue
            parts.append({
                'type': part.get_content_type(),
                'charset': part.get_content_charset(),
                'transferEncoding': part.get('Content-Transfer-Encoding'),
                'content': part.get_content(),
            })
        self.count += 1
        record = {
            'mailFrom': envelope.mail_from,
            'rcptTos': envelope.rcpt_tos,
            'subject': str(message['subject']),
            'from': str(message['from']),
            'to': str(message['to']),
            'headers': {key: str(value) for key, value in message.items()},
            'contentType': message.get_content_type(),
            'parts': parts,
        }
        name = os.path.join(self.folder, '%04d' % self.count)
        with open(name + '.eml', 'wb') as f:
            f.write(raw)
        with open(name + '.tmp', 'w', encoding='utf-8') as f:
            json.dump(record, f, ensure_ascii=False)
        os.replace(name + '.tmp', name + '.json')
        return '250 Message accepted for delivery'


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def main():
    folder = sys.argv[1]
    port = free_port()
    controller = Controller(Sink(folder), hostname='127.0.0.1', port=port)
    controller.start()
    print('PORT %d' % port, flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == '__main__':
    main()
