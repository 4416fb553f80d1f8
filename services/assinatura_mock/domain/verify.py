"""A VALIDAR-like conformity report for what ``assinarPKCS7`` produced (reference assinatura-govbr.md
§4.4, §5): a detached ``.p7s`` plus the original file, or a signed PDF.

Checks: the CMS structure, the RSA signature over the signed attributes, messageDigest against the file
hash (or the PDF ``/ByteRange``), the chain up to the sandbox root, the signing time within the
certificate's validity and the timestamp. When the digest does not match, the classic mistakes are tried
and named in plain Portuguese: hash of the hash, hash of the hexdigest, hash of the original file instead
of the prepared PDF, the wrong file, a re-wrapped CMS, a truncated ``/Contents``, a ``.p7s`` saved as
hex/Base64, a signing date before the certificate.

Pure: bytes and trusted certificates in, a report out.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Literal

from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .certificates import cpf_from_certificate

Result = Literal["ok", "falha", "aviso"]
API_ATTRIBUTES = ["content_type", "signing_time", "cms_algorithm_protection", "message_digest"]


@dataclass
class Check:
    id: str
    resultado: Result
    mensagem: str


@dataclass
class Report:
    tipo: Literal["p7s", "pdf"]
    verificacoes: list[Check] = field(default_factory=list)
    assinante: dict | None = None
    message_digest_base64: str | None = None
    hash_calculado_base64: str | None = None

    def add(self, id: str, resultado: Result, mensagem: str) -> None:
        self.verificacoes.append(Check(id, resultado, mensagem))

    @property
    def problemas(self) -> list[str]:
        return [c.id for c in self.verificacoes if c.resultado != "ok"]

    @property
    def veredito(self) -> Literal["valida", "invalida", "indeterminada"]:
        if any(c.resultado == "falha" for c in self.verificacoes):
            return "invalida"
        if any(c.id == "message_digest" and c.resultado != "ok" for c in self.verificacoes):
            return "indeterminada"  # signature fine, but nothing to compare messageDigest with
        return "valida" if self.verificacoes else "indeterminada"

    def as_dict(self) -> dict:
        return {
            "veredito": self.veredito,
            "tipo": self.tipo,
            "assinante": self.assinante,
            "message_digest_base64": self.message_digest_base64,
            "hash_calculado_base64": self.hash_calculado_base64,
            "verificacoes": [c.__dict__ for c in self.verificacoes],
            "problemas": self.problemas,
        }


@dataclass(frozen=True)
class Trust:
    """The sandbox CAs: the root (the trust anchor) and the CAs below it."""

    root: x509.Certificate
    cas: list[x509.Certificate]


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


# --- decoding the .p7s -------------------------------------------------------------------------------------

_HEXTEXT = re.compile(rb"^[0-9a-fA-F\s]+$")
_B64TEXT = re.compile(rb"^[A-Za-z0-9+/=\s]+$")


def _decode_p7s(data: bytes, report: Report) -> bytes:
    """The API answers binary BER. Saved as text, it is a classic mistake: name it, then read it anyway."""
    stripped = data.strip()
    if stripped.startswith(b"-----BEGIN"):
        body = b"".join(line for line in stripped.splitlines() if not line.startswith(b"-----"))
        report.add(
            "p7s_pem",
            "aviso",
            "O .p7s está em PEM (texto); a API devolve o CMS binário: grave os bytes como vieram.",
        )
        return base64.b64decode(body)
    if stripped[:1] in (b"3", b"0") and _HEXTEXT.match(stripped) and len(stripped) > 64:
        report.add(
            "p7s_hexadecimal",
            "aviso",
            "O .p7s está em hexadecimal (como dentro do /Contents do PDF); a API devolve o CMS binário: "
            "grave a resposta sem converter.",
        )
        return binascii.unhexlify(re.sub(rb"\s", b"", stripped))
    if stripped[:2] == b"MI" and _B64TEXT.match(stripped):
        report.add(
            "p7s_base64",
            "aviso",
            "O .p7s está em Base64; a resposta de assinarPKCS7 é binária (não é JSON nem Base64): grave os bytes.",
        )
        return base64.b64decode(stripped)
    return data


# --- the CMS checks shared by .p7s and PDF -----------------------------------------------------------------


@dataclass
class _Signed:
    signer_info: cms.SignerInfo
    cert: x509.Certificate
    digest: bytes
    signing_time: dt.datetime | None


def _inspect_cms(raw: bytes, report: Report, trust: Trust, truncated_hint: bool = False) -> _Signed | None:
    try:
        info = cms.ContentInfo.load(raw, strict=False)
        if info["content_type"].native != "signed_data":
            report.add("estrutura", "falha", "O arquivo não é um CMS SignedData (PKCS#7 assinado).")
            return None
        sd = info["content"]
        signer_infos = list(sd["signer_infos"])
        certificates = [c.chosen.dump() for c in sd["certificates"]] if sd["certificates"].native else []
        _ = info.native  # parse everything now: a truncated CMS fails here, not halfway through the checks
    except Exception as exc:  # any parse failure means the same thing to the user
        if truncated_hint:
            report.add(
                "contents_truncado",
                "falha",
                "O CMS dentro de /Contents está incompleto: reserve espaço suficiente (a resposta com carimbo do "
                "tempo tem ~5,3 KB; em hexadecimal, o dobro) e não corte o preenchimento com zeros pelo fim.",
            )
        else:
            report.add("estrutura", "falha", f"Não foi possível ler o CMS (PKCS#7): {type(exc).__name__}.")
        return None
    if len(signer_infos) != 1:
        report.add(
            "estrutura", "falha", f"O CMS tem {len(signer_infos)} assinantes; a API devolve exatamente um."
        )
        return None
    if sd["encap_content_info"]["content"].native is not None:
        report.add(
            "estrutura", "aviso", "O CMS traz o conteúdo (attached); a API devolve assinatura destacada."
        )
    else:
        report.add("estrutura", "ok", "CMS SignedData destacado (sem o conteúdo), um assinante.")
    signer_info = signer_infos[0]
    cert = None
    for der in certificates:
        candidate = x509.load_der_x509_certificate(der)
        if _is_signer(signer_info, candidate):
            cert = candidate
    if cert is None:
        report.add("certificado", "falha", "O certificado do assinante não está no CMS.")
        return None
    if len(certificates) > 1:
        report.add(
            "certificados_extras",
            "aviso",
            f"O CMS traz {len(certificates)} certificados; a API devolve só o do assinante (CMS remontado?).",
        )
    attrs = signer_info["signed_attrs"]
    names = [a["type"].native for a in attrs] if attrs.native is not None else []
    values = {a["type"].native: a["values"][0] for a in attrs} if names else {}
    if sorted(names) != sorted(API_ATTRIBUTES):
        report.add(
            "cms_reembrulhado",
            "falha",
            "Os atributos assinados não são os da API (contentType, signingTime, CMSAlgorithmProtection, "
            f"messageDigest), e sim: {', '.join(map(str, names)) or 'nenhum'}. O CMS foi remontado por outra "
            "biblioteca (ex.: um novo PdfPKCS7 do iText): incorpore os bytes devolvidos pela API sem alterá-los.",
        )
    if "message_digest" not in values:
        report.add("message_digest", "falha", "O CMS não tem o atributo messageDigest.")
        return None
    digest = values["message_digest"].native
    signing_time = values["signing_time"].native if "signing_time" in values else None
    _check_signature(signer_info, cert, report)
    _check_chain(cert, trust, report)
    report.assinante = {
        "nome": cert.subject.rfc4514_string().removeprefix("CN="),
        "cpf": cpf_from_certificate(cert),
        "certificado_serial": format(cert.serial_number, "x"),
        "emissor": cert.issuer.rfc4514_string(),
        "validade": {
            "inicio": cert.not_valid_before_utc.isoformat(),
            "fim": cert.not_valid_after_utc.isoformat(),
        },
        "data_da_assinatura": signing_time.isoformat() if signing_time else None,
    }
    if signing_time is not None:
        if cert.not_valid_before_utc <= signing_time <= cert.not_valid_after_utc:
            report.add("horario_da_assinatura", "ok", "signingTime dentro da validade do certificado.")
        else:
            report.add(
                "horario_da_assinatura",
                "falha",
                f"signingTime {signing_time.isoformat()} fora da validade do certificado "
                f"({cert.not_valid_before_utc.isoformat()} a {cert.not_valid_after_utc.isoformat()}).",
            )
    _check_timestamp(signer_info, cert, trust, report)
    report.message_digest_base64 = _b64(digest)
    return _Signed(signer_info, cert, digest, signing_time)


def _is_signer(signer_info: cms.SignerInfo, cert: x509.Certificate) -> bool:
    sid = signer_info["sid"]
    if sid.name == "issuer_and_serial_number":
        return sid.chosen["serial_number"].native == cert.serial_number
    try:
        ski = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    except x509.ExtensionNotFound:
        return False
    return sid.chosen.native == ski


def _check_signature(signer_info: cms.SignerInfo, cert: x509.Certificate, report: Report) -> None:
    key = cert.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        report.add("assinatura_criptografica", "falha", "Chave do assinante não é RSA.")
        return
    signed = cms.CMSAttributes(list(signer_info["signed_attrs"])).dump()
    try:
        key.verify(signer_info["signature"].native, signed, padding.PKCS1v15(), hashes.SHA256())
    except Exception:
        report.add(
            "assinatura_criptografica",
            "falha",
            "A assinatura RSA sobre os atributos assinados não confere com a chave do certificado.",
        )
        return
    report.add("assinatura_criptografica", "ok", "Assinatura RSA (SHA-256, PKCS#1 v1.5) válida.")


def _issuer_of(cert: x509.Certificate, trust: Trust) -> x509.Certificate | None:
    for ca in [*trust.cas, trust.root]:
        if ca.subject == cert.issuer:
            try:
                cert.verify_directly_issued_by(ca)
            except Exception:
                continue
            return ca
    return None


def _chain_ok(cert: x509.Certificate, trust: Trust) -> bool:
    current = cert
    for _ in range(6):
        if current == trust.root:
            return True
        issuer = _issuer_of(current, trust)
        if issuer is None:
            return False
        current = issuer
    return False


def _check_chain(cert: x509.Certificate, trust: Trust, report: Report) -> None:
    if _chain_ok(cert, trust):
        report.add(
            "cadeia", "ok", "Certificado emitido pela cadeia do sandbox (AC Final → Intermediária → Raiz)."
        )
    else:
        report.add(
            "cadeia",
            "falha",
            f"O certificado ({cert.issuer.rfc4514_string()}) não pertence à cadeia do sandbox. Assinaturas do "
            "staging do ITI validam em validar.staging.iti.br; as de produção, em validar.iti.gov.br.",
        )


def _check_timestamp(
    signer_info: cms.SignerInfo, cert: x509.Certificate, trust: Trust, report: Report
) -> None:
    unsigned = signer_info["unsigned_attrs"]
    tokens = (
        [a for a in unsigned if a["type"].native == "signature_time_stamp_token"] if unsigned.native else []
    )
    if not tokens:
        report.add(
            "carimbo_do_tempo", "aviso", "Sem carimbo do tempo (RFC 3161); o staging o inclui desde 2023-08."
        )
        return
    token = tokens[0]["values"][0]
    try:
        tsd = token["content"]
        tst = tsd["encap_content_info"]["content"].parsed
        imprint = tst["message_imprint"]["hashed_message"].native
        gen_time = tst["gen_time"].native
        tsa_signer = tsd["signer_infos"][0]
        tsa_cert = x509.load_der_x509_certificate(tsd["certificates"][0].chosen.dump())
        tsa_attrs = {a["type"].native: a["values"][0].native for a in tsa_signer["signed_attrs"]}
        tsa_key = tsa_cert.public_key()
        assert isinstance(tsa_key, rsa.RSAPublicKey)
        tsa_key.verify(
            tsa_signer["signature"].native,
            cms.CMSAttributes(list(tsa_signer["signed_attrs"])).dump(),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
        content_ok = (
            tsa_attrs["message_digest"]
            == hashlib.sha256(tsd["encap_content_info"]["content"].contents).digest()
        )
    except Exception as exc:
        report.add(
            "carimbo_do_tempo",
            "falha",
            f"Carimbo do tempo ilegível ou com assinatura inválida ({type(exc).__name__}).",
        )
        return
    if imprint != hashlib.sha256(signer_info["signature"].native).digest() or not content_ok:
        report.add("carimbo_do_tempo", "falha", "O carimbo do tempo não corresponde a esta assinatura.")
    elif not _chain_ok(tsa_cert, trust):
        report.add("carimbo_do_tempo", "falha", "A TSA do carimbo não pertence à cadeia do sandbox.")
    elif not (cert.not_valid_before_utc <= gen_time <= cert.not_valid_after_utc):
        report.add("carimbo_do_tempo", "falha", "O carimbo do tempo está fora da validade do certificado.")
    else:
        report.add(
            "carimbo_do_tempo", "ok", f"Carimbo do tempo válido ({gen_time.isoformat()}), TSA do sandbox."
        )


def _digest_mistakes(md: bytes, correct: bytes) -> str | None:
    """The classic wrong digests, given the right one."""
    if md == hashlib.sha256(correct).digest():
        return "hash_do_hash"
    if md == hashlib.sha256(correct.hex().encode()).digest():
        return "hash_do_hexdigest"
    if md == hashlib.sha256(_b64(correct).encode()).digest():
        return "hash_do_base64"
    return None


MISTAKE_TEXT = {
    "hash_do_hash": "messageDigest é o SHA-256 do SHA-256 do arquivo (hash do hash): envie em hashBase64 o "
    "Base64 do SHA-256 do próprio conteúdo, uma vez só.",
    "hash_do_hexdigest": "messageDigest é o SHA-256 do hash em hexadecimal: calcule o digest binário (32 bytes) e "
    "envie o Base64 dele, não o hexadecimal.",
    "hash_do_base64": "messageDigest é o SHA-256 do hash já em Base64: envie o Base64 dos 32 bytes do digest.",
}


# --- detached .p7s -----------------------------------------------------------------------------------------


def verify_detached(p7s: bytes, content: bytes | None, trust: Trust) -> Report:
    report = Report("p7s")
    signed = _inspect_cms(_decode_p7s(p7s, report), report, trust)
    if signed is None:
        return report
    if content is None:
        report.add(
            "message_digest", "aviso", "Envie também o arquivo original para comparar o messageDigest."
        )
        return report
    correct = hashlib.sha256(content).digest()
    report.hash_calculado_base64 = _b64(correct)
    if signed.digest == correct:
        report.add("message_digest", "ok", "messageDigest igual ao SHA-256 do arquivo.")
        return report
    mistake = _digest_mistakes(signed.digest, correct)
    if mistake:
        report.add(mistake, "falha", MISTAKE_TEXT[mistake])
    else:
        report.add(
            "arquivo_diferente",
            "falha",
            "messageDigest não corresponde a este arquivo (IdMessageDigest inválido, como diria o VALIDAR): foi "
            "assinado outro arquivo, ou o arquivo mudou depois de assinado.",
        )
    return report


# --- PDF ---------------------------------------------------------------------------------------------------

_BYTERANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")
_SIGN_DATE = re.compile(
    rb"/M\s*\(D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz]|[+-]\d{2}'?\d{2}'?)?\)"
)


def _pdf_date(match: re.Match[bytes]) -> dt.datetime:
    parts = [int(g) if g else d for g, d in zip(match.groups()[:6], (0, 1, 1, 0, 0, 0), strict=True)]
    zone = (match.group(7) or b"Z").decode().replace("'", "")
    offset = dt.timedelta(0)
    if zone[0] in "+-":
        offset = dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5] or 0)) * (
            1 if zone[0] == "+" else -1
        )
    year, month, day, hour, minute, second = parts
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.timezone(offset)).astimezone(dt.UTC)


def verify_pdf(pdf: bytes, trust: Trust) -> Report:
    report = Report("pdf")
    ranges = list(_BYTERANGE.finditer(pdf))
    if not ranges:
        report.add("pdf_sem_assinatura", "falha", "O PDF não tem dicionário de assinatura (/ByteRange).")
        return report
    match = ranges[-1]
    a, b, c, d = (int(g) for g in match.groups())
    if a != 0 or c < a + b or c + d > len(pdf):
        report.add(
            "byterange", "falha", f"/ByteRange [{a} {b} {c} {d}] inconsistente com o tamanho do arquivo."
        )
        return report
    gap = pdf[a + b : c].strip()
    if not (gap.startswith(b"<") and gap.endswith(b">")):
        report.add(
            "contents_truncado",
            "falha",
            "/Contents não está entre < e > no intervalo excluído do /ByteRange.",
        )
        return report
    try:
        raw = binascii.unhexlify(gap[1:-1].strip())
    except (binascii.Error, ValueError):
        report.add(
            "contents_truncado",
            "falha",
            "/Contents não é hexadecimal válido (cortado ou com número ímpar de dígitos).",
        )
        return report
    signed = _inspect_cms(raw, report, trust, truncated_hint=True)
    if c + d != len(pdf):
        report.add(
            "byterange_parcial",
            "aviso",
            "O /ByteRange não cobre o arquivo inteiro: o PDF mudou depois da assinatura (atualização incremental).",
        )
    if signed is None:
        return report
    correct = hashlib.sha256(pdf[a : a + b] + pdf[c : c + d]).digest()
    report.hash_calculado_base64 = _b64(correct)
    if signed.digest == correct:
        report.add("message_digest", "ok", "messageDigest igual ao SHA-256 dos bytes do /ByteRange.")
    else:
        mistake = _digest_mistakes(signed.digest, correct)
        if mistake is None and _is_original_file_hash(signed.digest, pdf[: a + b]):
            mistake = "hash_do_arquivo_original"
        if mistake == "hash_do_arquivo_original":
            report.add(
                mistake,
                "falha",
                "messageDigest é o SHA-256 do PDF original, não dos bytes do /ByteRange do PDF preparado: calcule o "
                "hash depois de preparar o dicionário de assinatura (IdMessageDigest inválido).",
            )
        elif mistake:
            report.add(mistake, "falha", MISTAKE_TEXT[mistake])
        else:
            report.add(
                "message_digest",
                "falha",
                "messageDigest não confere com o /ByteRange (IdMessageDigest inválido, como diria o VALIDAR): o CMS "
                "foi gerado para outro PDF ou o PDF mudou depois de preparado.",
            )
    date = _SIGN_DATE.search(pdf, max(0, match.start() - 4096), match.end() + 4096)
    if date is not None:
        when = _pdf_date(date)
        if when < signed.cert.not_valid_before_utc - dt.timedelta(seconds=1):
            report.add(
                "data_antes_do_certificado",
                "falha",
                "SignDate no dicionário da assinatura encontra-se em um período antes da validade do certificado do "
                f"assinante (/M {when.isoformat()}, certificado válido desde "
                f"{signed.cert.not_valid_before_utc.isoformat()}): omita /M ou preencha-o depois de chamar a API.",
            )
    return report


def _is_original_file_hash(md: bytes, before_contents: bytes) -> bool:
    """The original PDF ends at one of the %%EOF markers before the signature's incremental update."""
    for eof in re.finditer(rb"%%EOF", before_contents):
        end = eof.end()
        for tail in (b"", b"\n", b"\r\n", b"\r"):
            candidate = before_contents[:end] + tail
            if before_contents[: len(candidate)] == candidate and hashlib.sha256(candidate).digest() == md:
                return True
    return False
