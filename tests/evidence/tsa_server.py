"""A real local RFC 3161 TSA for tests: an OpenSSL CA + TSA certificate and `openssl ts -reply` behind HTTP."""

from __future__ import annotations

import subprocess
import tempfile
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

TS_CONFIG = """
[ tsa ]
default_tsa = tsa_config1

[ tsa_config1 ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5
digests = sha256, sha384, sha512
accuracy = secs:1
clock_precision_digits = 0
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _run(args: list[str], cwd: Path) -> None:
    subprocess.run(args, cwd=cwd, check=True, capture_output=True, timeout=60)


def make_pki(d: Path, name: str = "Veilleur Test") -> None:
    """CA (self-signed) and a TSA certificate with critical extendedKeyUsage timeStamping."""
    (d / "tsa.ext").write_text(
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=critical,timeStamping\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
    )
    _run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "3650",
            "-subj",
            f"/CN={name} Root CA/O=Fictional Test CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
        d,
    )
    _run(
        [
            "openssl",
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "tsa.key",
            "-out",
            "tsa.csr",
            "-subj",
            f"/CN={name} TSA/O=Fictional Test CA",
        ],
        d,
    )
    _run(
        [
            "openssl",
            "x509",
            "-req",
            "-in",
            "tsa.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "tsa.pem",
            "-days",
            "3650",
            "-extfile",
            "tsa.ext",
        ],
        d,
    )
    (d / "serial").write_text("01\n")
    (d / "ts.cnf").write_text(TS_CONFIG.format(dir=d))


@dataclass
class LocalTSA:
    dir: Path
    url: str
    server: ThreadingHTTPServer
    requests: int = 0

    @property
    def ca_file(self) -> Path:
        return self.dir / "ca.pem"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_tsa(d: Path | None = None, name: str = "Veilleur Test") -> LocalTSA:
    d = Path(d or tempfile.mkdtemp(prefix="tsa-"))
    d.mkdir(parents=True, exist_ok=True)
    make_pki(d, name)
    lock = threading.Lock()
    holder: dict[str, LocalTSA] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock, tempfile.TemporaryDirectory() as t:
                (Path(t) / "req.tsq").write_bytes(body)
                p = subprocess.run(
                    [
                        "openssl",
                        "ts",
                        "-reply",
                        "-config",
                        str(d / "ts.cnf"),
                        "-queryfile",
                        "req.tsq",
                        "-out",
                        "resp.tsr",
                    ],
                    cwd=t,
                    capture_output=True,
                    timeout=30,
                )
                holder["tsa"].requests += 1
                if p.returncode != 0:
                    self.send_response(500)
                    self.end_headers()
                    return
                data = (Path(t) / "resp.tsr").read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    tsa = LocalTSA(d, f"http://127.0.0.1:{server.server_address[1]}/tsa", server)
    holder["tsa"] = tsa
    return tsa
