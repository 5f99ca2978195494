"""RFC 3161 trusted timestamps of the ledger head: request, store and verify tokens.

The message imprint is the SHA-256 of the head entry's canonical header, i.e. the entry hash, so
``openssl ts -verify -data <header file> -in <token.tsr> -CAfile <ca.pem>`` checks a token alone.
Without network or TSA, heads stay ``pending`` and ``veilleur evidence timestamp`` retries later.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from asn1crypto import cms, pem, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID
from sqlalchemy import select

from veilleur.config import Settings
from veilleur.errors import ConfigError
from veilleur.evidence.models import TimestampHeadRow, TimestampTokenRow
from veilleur.evidence.settings import EvidenceSettings
from veilleur.evidence.vault import Vault
from veilleur.store.models import now_utc

log = logging.getLogger(__name__)
MAX_RESPONSE_BYTES = 1024 * 1024
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


class TokenError(Exception):
    """A timestamp token that is malformed, does not match its data, or does not verify."""


@dataclass(frozen=True)
class TokenInfo:
    gen_time: datetime
    serial: str
    policy: str
    tsa_name: str | None
    digest: str  # hex of the message imprint
    signer_subject: str
    certificates: tuple[bytes, ...]  # DER of the certificates carried by the token


@dataclass(frozen=True)
class TSAConfig:
    urls: tuple[str, ...]
    ca_pem: bytes | None  # trust anchors (concatenated PEM), from ``evidence.tsa_ca_files``
    timeout_s: float


def tsa_config(settings: Settings) -> TSAConfig:
    ev = settings.section(EvidenceSettings)
    urls, ca_files = ev.tsa_urls, ev.tsa_ca_files
    pem_data = b""
    for f in ca_files:
        p = Path(str(f)).expanduser()
        try:
            pem_data += p.read_bytes().strip() + b"\n"
        except OSError as exc:
            raise ConfigError(f"evidence.tsa_ca_files: cannot read {p} ({exc.strerror})") from None
    return TSAConfig(tuple(str(u) for u in urls), pem_data or None, ev.tsa_timeout_s)


def build_request(digest: bytes, nonce: int | None = None) -> bytes:
    """A DER TimeStampReq for a SHA-256 digest, asking the TSA to include its certificate."""
    req = tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {"hash_algorithm": {"algorithm": "sha256"}, "hashed_message": digest},
            "nonce": nonce,
            "cert_req": True,
        }
    )
    return req.dump()


def load_pem_certs(data: bytes) -> list[x509.Certificate]:
    out: list[x509.Certificate] = []
    if not data:
        return out
    for _type, _headers, der in pem.unarmor(data, multiple=True):
        out.append(x509.load_der_x509_certificate(der))
    return out


def certs_to_pem(ders: tuple[bytes, ...] | list[bytes]) -> bytes:
    return b"".join(pem.armor("CERTIFICATE", d) for d in ders)


def _verify_sig(cert: x509.Certificate, signature: bytes, data: bytes, sig_algo: str, hash_name: str) -> None:
    h = _HASHES.get(hash_name)
    if h is None:
        raise TokenError(f"unsupported digest {hash_name}")
    key = cert.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            if sig_algo == "rsassa_pss":
                key.verify(
                    signature, data, padding.PSS(mgf=padding.MGF1(h()), salt_length=padding.PSS.AUTO), h()
                )
            else:
                key.verify(signature, data, padding.PKCS1v15(), h())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(h()))
        else:
            raise TokenError(f"unsupported key type {type(key).__name__}")
    except InvalidSignature:
        raise TokenError("signature does not verify (token altered or wrong certificate)") from None


def _chain_to_anchor(
    signer: x509.Certificate, pool: list[x509.Certificate], anchors: list[x509.Certificate]
) -> None:
    current = signer
    for _ in range(8):
        for a in anchors:
            if current.issuer == a.subject:
                try:
                    current.verify_directly_issued_by(a)
                    return
                except (ValueError, TypeError, InvalidSignature):
                    continue
        if any(current == a for a in anchors):
            return
        nxt = None
        for c in pool:
            if c != current and current.issuer == c.subject:
                try:
                    current.verify_directly_issued_by(c)
                    nxt = c
                    break
                except (ValueError, TypeError, InvalidSignature):
                    continue
        if nxt is None:
            break
        current = nxt
    raise TokenError(f"TSA certificate {signer.subject.rfc4514_string()} does not chain to a trusted CA")


def verify_token(tsr: bytes, digest_hex: str, ca_pem: bytes | None, nonce: int | None = None) -> TokenInfo:
    """Check a TimeStampResp: granted, imprint = ``digest_hex``, CMS signature, TSA cert chains to ``ca_pem``.

    With no CA the signature is still checked against the certificate in the token (not its trust).
    """
    try:
        resp = tsp.TimeStampResp.load(tsr)
        status = resp["status"]["status"].native
        if status not in ("granted", "granted_with_mods"):
            text = resp["status"]["status_string"].native
            raise TokenError(f"TSA refused the request: {status} {text or ''}".strip())
        token = resp["time_stamp_token"]
        if token["content_type"].native != "signed_data":
            raise TokenError("token is not CMS SignedData")
        sd: cms.SignedData = token["content"]
        encap = sd["encap_content_info"]
        if encap["content_type"].native != "tst_info":
            raise TokenError("token does not carry a TSTInfo")
        tst_der: bytes = encap["content"].contents
        tst = tsp.TSTInfo.load(tst_der)
        imprint = tst["message_imprint"]
        if imprint["hash_algorithm"]["algorithm"].native != "sha256":
            raise TokenError("token imprint is not SHA-256")
        got = imprint["hashed_message"].native.hex()
        if got != digest_hex:
            raise TokenError(
                f"token is for another document (imprint {got[:16]}…, expected {digest_hex[:16]}…)"
            )
        if nonce is not None and tst["nonce"].native != nonce:
            raise TokenError("nonce mismatch (replayed response)")
        certs = (
            [c.chosen for c in sd["certificates"] if c.name == "certificate"]
            if sd["certificates"].native
            else []
        )
        signer_info = sd["signer_infos"][0]
        sid = signer_info["sid"]
        signer_asn1: asn1_x509.Certificate | None = None
        for c in certs:
            if sid.name == "issuer_and_serial_number":
                if c.issuer == sid.chosen["issuer"] and c.serial_number == sid.chosen["serial_number"].native:
                    signer_asn1 = c
            elif c.key_identifier == sid.chosen.native:
                signer_asn1 = c
        if signer_asn1 is None:
            raise TokenError("token carries no TSA certificate (request with certReq)")
        signer = x509.load_der_x509_certificate(signer_asn1.dump())
        hash_name = signer_info["digest_algorithm"]["algorithm"].native
        attrs = signer_info["signed_attrs"]
        if not attrs.native:
            raise TokenError("token has no signed attributes")
        md = next((a["values"][0].native for a in attrs if a["type"].native == "message_digest"), None)
        ct = next((a["values"][0].native for a in attrs if a["type"].native == "content_type"), None)
        h = _HASHES.get(hash_name)
        if h is None:
            raise TokenError(f"unsupported digest {hash_name}")
        hasher = hashes.Hash(h())
        hasher.update(tst_der)
        if md != hasher.finalize() or ct != "tst_info":
            raise TokenError("signed attributes do not match the TSTInfo (token altered)")
        # The signature covers the DER SET OF the attributes, not their [0] IMPLICIT encoding.
        signed_bytes = b"\x31" + attrs.dump()[1:]
        sig_algo = signer_info["signature_algorithm"].signature_algo
        _verify_sig(signer, signer_info["signature"].native, signed_bytes, sig_algo, hash_name)
        try:
            eku = signer.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
        except x509.ExtensionNotFound:
            raise TokenError("TSA certificate lacks extendedKeyUsage timeStamping") from None
        if ExtendedKeyUsageOID.TIME_STAMPING not in eku.value or not eku.critical:
            raise TokenError("TSA certificate is not a critical timeStamping certificate")
        gen_time: datetime = tst["gen_time"].native.astimezone(UTC)
        if not (signer.not_valid_before_utc <= gen_time <= signer.not_valid_after_utc):
            raise TokenError("token time is outside the TSA certificate's validity")
        if ca_pem:
            pool = [x509.load_der_x509_certificate(c.dump()) for c in certs]
            _chain_to_anchor(signer, pool, load_pem_certs(ca_pem))
        tsa = tst["tsa"]
        tsa_name = None
        if tsa.native is not None:
            tsa_name = tsa.chosen.human_friendly if tsa.name == "directory_name" else str(tsa.native)
        unique: dict[bytes, None] = dict.fromkeys(c.dump() for c in certs)
        return TokenInfo(
            gen_time=gen_time,
            serial=str(tst["serial_number"].native),
            policy=str(tst["policy"].native),
            tsa_name=tsa_name,
            digest=got,
            signer_subject=signer.subject.rfc4514_string(),
            certificates=tuple(unique),
        )
    except TokenError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise TokenError(f"malformed timestamp token ({exc.__class__.__name__}: {exc})") from None


def request_token(
    url: str, digest_hex: str, ca_pem: bytes | None, timeout_s: float
) -> tuple[bytes, TokenInfo]:
    """POST a TimeStampReq to one TSA and return the verified response (raises TokenError/httpx errors)."""
    nonce = secrets.randbits(63)
    body = build_request(bytes.fromhex(digest_hex), nonce)
    with httpx.Client(timeout=timeout_s, follow_redirects=False) as client:
        r = client.post(url, content=body, headers={"Content-Type": "application/timestamp-query"})
        if r.status_code != 200:
            raise TokenError(f"TSA answered HTTP {r.status_code}")
        if len(r.content) > MAX_RESPONSE_BYTES:
            raise TokenError("TSA response too large")
        return r.content, verify_token(r.content, digest_hex, ca_pem, nonce)


@dataclass
class StampReport:
    stamped: list[int]
    pending: list[int]
    errors: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"stamped": self.stamped, "pending": self.pending, "errors": self.errors}


def mark_head_pending(vault: Vault) -> int | None:
    """Queue the current ledger head for timestamping; returns its seq (None on an empty ledger)."""
    head = vault.head()
    if head is None:
        return None
    with vault.store.session() as s:
        if s.get(TimestampHeadRow, head.seq) is None:
            s.add(
                TimestampHeadRow(
                    seq=head.seq, entry_hash=head.hash, status="pending", requested_at=now_utc(), attempts=0
                )
            )
    return head.seq


def stamp_pending(vault: Vault, config: TSAConfig | None = None) -> StampReport:
    """Ask every configured TSA for a token on each pending head; failures leave the head pending."""
    config = config or tsa_config(vault.store.settings)
    with vault.store.session() as s:
        heads = [
            (h.seq, h.entry_hash)
            for h in s.scalars(
                select(TimestampHeadRow)
                .where(TimestampHeadRow.status == "pending")
                .order_by(TimestampHeadRow.seq)
            )
        ]
    report = StampReport([], [], [])
    if not config.urls:
        report.pending = [seq for seq, _ in heads]
        if heads:
            report.errors.append("no TSA configured ([evidence] tsa_urls in veilleur.toml)")
        return report
    ca_sha = vault.blobs.put_bytes(config.ca_pem) if config.ca_pem else None
    for seq, entry_hash in heads:
        got_one = False
        last_error = None
        for url in config.urls:
            try:
                tsr, info = request_token(url, entry_hash, config.ca_pem, config.timeout_s)
            except (TokenError, httpx.HTTPError, OSError) as exc:
                last_error = f"{url}: {exc}"
                report.errors.append(f"head {seq}: {last_error}")
                log.warning("timestamp of ledger head %s failed: %s", seq, last_error)
                continue
            token_sha = vault.blobs.put_bytes(tsr)
            chain_sha = vault.blobs.put_bytes(certs_to_pem(info.certificates)) if info.certificates else None
            with vault.store.session() as s:
                s.add(
                    TimestampTokenRow(
                        seq=seq,
                        entry_hash=entry_hash,
                        tsa_url=url,
                        token_sha256=token_sha,
                        gen_time=info.gen_time,
                        serial=info.serial,
                        policy=info.policy,
                        tsa_name=info.tsa_name,
                        ca_sha256=ca_sha,
                        chain_sha256=chain_sha,
                        received_at=now_utc(),
                    )
                )
            got_one = True
        with vault.store.session() as s:
            row = s.get(TimestampHeadRow, seq)
            assert row is not None
            row.attempts += 1
            row.last_attempt_at = now_utc()
            row.last_error = last_error
            if got_one:
                row.status = "stamped"
        (report.stamped if got_one else report.pending).append(seq)
    return report


@dataclass(frozen=True)
class StoredToken:
    id: int
    seq: int
    entry_hash: str
    tsa_url: str
    token_sha256: str
    gen_time: datetime
    serial: str
    policy: str
    tsa_name: str | None
    ca_sha256: str | None
    chain_sha256: str | None


def tokens(vault: Vault, min_seq: int = 0) -> list[StoredToken]:
    with vault.store.session() as s:
        q = (
            select(TimestampTokenRow)
            .where(TimestampTokenRow.seq >= min_seq)
            .order_by(TimestampTokenRow.seq, TimestampTokenRow.id)
        )
        return [
            StoredToken(
                r.id,
                r.seq,
                r.entry_hash,
                r.tsa_url,
                r.token_sha256,
                r.gen_time,
                r.serial,
                r.policy,
                r.tsa_name,
                r.ca_sha256,
                r.chain_sha256,
            )
            for r in s.scalars(q)
        ]


def pending_heads(vault: Vault) -> list[int]:
    with vault.store.session() as s:
        return list(
            s.scalars(
                select(TimestampHeadRow.seq)
                .where(TimestampHeadRow.status == "pending")
                .order_by(TimestampHeadRow.seq)
            )
        )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


__all__ = [
    "StampReport",
    "StoredToken",
    "TSAConfig",
    "TokenError",
    "TokenInfo",
    "build_request",
    "mark_head_pending",
    "pending_heads",
    "request_token",
    "stamp_pending",
    "tokens",
    "tsa_config",
    "verify_token",
]
