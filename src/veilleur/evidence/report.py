"""The French PDF report of a bundle: each item with capture, dates (Paris and UTC), author, URL, hashes,
the chain of custody, the timestamps, and "Comment vérifier" (sha256sum and openssl alone)."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from veilleur.evidence.render import drawable, new_pdf, paris, utc_text

NO_TOKEN_FR = (
    "Aucun jeton d'horodatage : le dossier ne prouve que sa cohérence interne. Quiconque détient le coffre "
    "ou ce dossier peut en recalculer tous les fichiers, le journal et les empreintes de façon cohérente ; "
    "ni la date ni l'absence de modification ne sont alors attestées par un tiers."
)

KIND_FR = {
    "message": "Message enregistré",
    "url": "Page web capturée",
    "file": "Fichier fourni par l'utilisateur",
    "view": "Vue pseudonymisée",
}
RECIPIENT_FR = {
    None: "non précisé : vues pseudonymisées seulement (les originaux restent scellés au coffre)",
    "procureur": "procureur de la République : originaux scellés et vues",
    "ordre": "ordre professionnel : originaux scellés et vues",
    "platform": "plateforme : vues pseudonymisées seulement",
    "cnil": "CNIL : vues pseudonymisées seulement",
}
ACTION_FR = {
    "item.added": "ajout",
    "item.viewed": "consultation",
    "item.exported": "export",
    "note": "note",
    "item.deleted": "suppression",
    "legal_hold": "conservation légale",
}


def _dt(value: str | None) -> str:
    if not value:
        return "inconnue"
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return f"{paris(dt)} — {utc_text(dt)}"


class _Doc:
    def __init__(self) -> None:
        self.pdf = new_pdf()
        self.pdf.add_page()

    def h1(self, text: str) -> None:
        self.pdf.set_font("DejaVu", "B", 16)
        self.pdf.multi_cell(0, 8, drawable(text)[0], new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(2)

    def h2(self, text: str) -> None:
        self.pdf.ln(3)
        self.pdf.set_font("DejaVu", "B", 12.5)
        self.pdf.multi_cell(0, 6.5, drawable(text)[0], new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def p(self, text: str, size: float = 10) -> None:
        self.pdf.set_font("DejaVu", "", size)
        self.pdf.multi_cell(0, size * 0.5, drawable(text)[0], new_x="LMARGIN", new_y="NEXT", wrapmode="CHAR")

    def kv(self, key: str, value: str) -> None:
        self.pdf.set_font("DejaVu", "B", 9.5)
        self.pdf.cell(45, 5, key)
        self.pdf.set_font("DejaVu", "", 9.5)
        self.pdf.multi_cell(0, 5, drawable(value or "—")[0], new_x="LMARGIN", new_y="NEXT", wrapmode="CHAR")

    def mono(self, text: str) -> None:
        self.pdf.set_font("DejaVuMono", "", 7.8)
        self.pdf.multi_cell(0, 4, drawable(text)[0], new_x="LMARGIN", new_y="NEXT", wrapmode="CHAR")

    def image(self, data: bytes) -> None:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as im:
            w, h = im.size
        if w <= 0 or h / w > 3:
            self.p("(image trop haute pour le rapport : voir le fichier dans le dossier)", 8.5)
            return
        width = min(150.0, self.pdf.epw)
        height = width * h / w
        if height > 160:
            width, height = width * 160 / height, 160
        if self.pdf.get_y() + height > self.pdf.h - self.pdf.b_margin:
            self.pdf.add_page()
        self.pdf.image(io.BytesIO(data), w=width, h=height)
        self.pdf.ln(2)


def constat_section(d: _Doc, obs: dict[str, Any]) -> None:
    """The conditions of a URL capture (session, operator, machine, network, clock, navigation path)."""
    sess = obs.get("session") or {}
    if sess.get("authenticated"):
        d.kv(
            "Session",
            f"capture faite depuis une session AUTHENTIFIÉE « {sess.get('site')} », compte déclaré : "
            f"{sess.get('account_declared') or 'non déclaré'} (connexion enregistrée le {_dt(sess.get('session_saved_at'))}, "
            f"méthode {sess.get('login_method')}) ; les cookies de session sont masqués dans le WARC",
        )
    elif sess:
        d.kv("Session", "aucune : capture anonyme (sans connexion à un compte)")
    c = obs.get("constat") or {}
    if not c:
        return
    op = (c.get("operator") or {}).get("declared")
    d.kv("Opérateur", f"{op or 'non déclaré'} (identité déclarée, non vérifiée)")
    m = c.get("machine") or {}
    d.kv(
        "Machine",
        f"{m.get('hostname', '')} — {m.get('os', '')} — noyau {m.get('kernel', '')} ({m.get('architecture', '')})",
    )
    d.kv(
        "Logiciel",
        f"{m.get('software', '')}, Python {m.get('python', '')}, fuseau local {m.get('local_timezone', '')}",
    )
    flags = " ".join((obs.get("browser") or {}).get("flags") or [])
    d.kv("Options navigateur", flags)
    prof = obs.get("profile") or {}
    if prof:
        d.kv(
            "Profil",
            f"{'contexte de navigation neuf (cache vide, sans historique)'} ; cookies au départ : "
            f"{prof.get('cookies_at_start', 0)}"
            + (" (ceux de la session seulement)" if prof.get("from_session") else ""),
        )
    pub = c.get("public_ip") or {}
    d.kv(
        "IP publique",
        pub.get("ip")
        and f"{pub['ip']} (vue par {pub.get('service')})"
        or f"non vérifiée — {pub.get('reason', '')}",
    )
    d.kv("IP locales", ", ".join(f"{x['address']} ({x['interface']})" for x in c.get("local_ips") or []))
    dns = c.get("dns") or {}
    d.kv(
        "DNS",
        f"{dns.get('host')} → A {', '.join(dns.get('A') or []) or '-'} ; AAAA {', '.join(dns.get('AAAA') or []) or '-'} "
        f"(résolveurs {', '.join(dns.get('resolvers') or []) or 'inconnus'})",
    )
    d.kv("Mandataire", (c.get("proxy") or {}).get("summary", ""))
    clk = c.get("clock") or {}
    if clk.get("status") == "mesuré":
        d.kv(
            "Horloge",
            f"écart avec l'autorité d'horodatage {clk['tsa']} : {clk['offset_s']:+.3f} s (aller-retour {clk['round_trip_s']} s)",
        )
    else:
        d.kv("Horloge", f"écart non mesuré — {clk.get('reason', '')}")
    nav = obs.get("navigation") or []
    if nav:
        d.kv("Chemin", "")
        for step in nav:
            at = _dt(step.get("at")).split(" — ")[0]
            shot = f" [capture {step['screenshot']}]" if step.get("screenshot") else ""
            d.mono(
                f"{step['n']:>2}. {at} {step['action']}: {step.get('detail') or ''} <{step.get('url')}>{shot}"
            )


def build_report(manifest: dict[str, Any], images: dict[str, bytes], entries: list[dict[str, Any]]) -> bytes:
    """``images``: item id → PNG to show; ``entries``: the case's ledger entries (decoded)."""
    d = _Doc()
    case = manifest["case"]
    d.h1("Dossier de preuves numériques")
    d.kv("Affaire", f"{case['title']} ({case['id']})")
    d.kv("Généré le", _dt(manifest["generated_at"]))
    d.kv("Généré par", manifest["generated_by"])
    d.kv("Logiciel", manifest["software"])
    d.kv("Pièces", str(len(manifest["items"])))
    d.kv("Destinataire", RECIPIENT_FR.get(manifest.get("recipient"), str(manifest.get("recipient"))))
    if manifest.get("ledger_problems"):
        d.kv("ATTENTION", "journal altéré à l'export, export forcé (voir « ATTENTION : journal altéré »)")
    d.p(
        "Ce dossier rassemble des captures conservées par veilleur dans un coffre à empreintes (SHA-256) et "
        "un journal chaîné : chaque entrée contient l'empreinte de la précédente. Le haut du journal est "
        "horodaté par une autorité d'horodatage (RFC 3161) quand une autorité est configurée et joignable. Toute modification d'un fichier change son "
        "empreinte et se voit à la vérification décrite en fin de document.",
        9.5,
    )
    for n, item in enumerate(manifest["items"], 1):
        rec = item["record"]
        obs, decl = rec.get("observed", {}), rec.get("declared", {})
        d.h2(f"Pièce n° {n} — {KIND_FR.get(rec['kind'], rec['kind'])}")
        d.kv("Description", rec["description"])
        d.kv("Identifiant", rec["id"])
        status = (
            "complète" if rec["status"] == "complete" else f"PARTIELLE — {rec.get('partial_reason') or ''}"
        )
        d.kv("Capture", status)
        d.kv("Capturée le", _dt(rec["captured_at"]))
        d.kv("Capturée par", rec["actor"])
        if rec["kind"] == "message":
            author = obs.get("author", {})
            d.kv("Auteur", f"{author.get('name', '')} (identifiant plateforme {author.get('id', '')})")
            d.kv("Publié le", _dt(obs.get("published_at_utc")))
            d.kv("Plateforme", f"{obs.get('platform', '')} — {obs.get('community', '')}")
            d.kv("URL", obs.get("url") or "non fournie par l'export")
        elif rec["kind"] == "url":
            d.kv("URL demandée", obs.get("url") or rec["source"])
            d.kv("URL finale", obs.get("final_url") or "")
            resp = obs.get("response") or {}
            d.kv("Réponse HTTP", f"{resp.get('status', '')} {resp.get('status_text', '')}")
            d.kv(
                "Adresse IP",
                f"{resp.get('server_ip') or ''} (résolution DNS : {', '.join(obs.get('resolved_ips') or [])})",
            )
            d.kv("Début / fin", f"{_dt(obs.get('started_at'))} / {_dt(obs.get('ended_at'))}")
            browser = obs.get("browser") or {}
            d.kv("Navigateur", f"{browser.get('name', '')} {browser.get('version', '')}")
            d.kv("Auteur", "non déterminé par la capture (voir la page)")
            constat_section(d, obs)
        elif rec["kind"] == "view":
            d.kv(
                "Pièce d'origine",
                f"{obs.get('derived_from')} ({KIND_FR.get(obs.get('original_kind', ''), '')}), "
                f"SHA-256 {obs.get('original_sha256')}",
            )
            d.kv("Modifications", " ; ".join(obs.get("changes") or []))
            d.p(
                "L'original reste scellé au coffre ; il peut être remis au procureur ou à l'ordre sur demande, et son "
                "empreinte ci-dessus permet de vérifier qu'il s'agit bien de la même pièce.",
                8.5,
            )
        else:
            d.kv("Auteur déclaré", decl.get("author", "non déclaré"))
            d.kv(
                "Date déclarée",
                f"{decl.get('date', 'non déclarée')}"
                + (f" — {_dt(decl['date_utc'])}" if decl.get("date_utc") else ""),
            )
            d.kv("URL déclarée", decl.get("url", "non déclarée"))
            exif = obs.get("exif") or {}
            d.kv(
                "Observé (fichier)",
                f"modifié le {_dt(obs.get('modified_at_utc'))}; taille {obs.get('size')} octets",
            )
            if exif:
                d.kv(
                    "Observé (EXIF)",
                    "; ".join(f"{k} = {v}" for k, v in exif.items() if k != "gps")
                    + (" ; GPS présent" if "gps" in exif else ""),
                )
            d.p(
                "Les informations « déclarées » viennent de l'utilisateur ; les « observées » sont relevées par veilleur.",
                8.5,
            )
        if item.get("legal_hold"):
            d.kv("Conservation", "sous conservation légale (suppression impossible)")
        d.kv("Empreinte principale", "")
        d.mono(f"SHA-256 {rec['sha256']}")
        d.kv("Fichiers", "")
        for f in item["files"]:
            d.mono(f"{f['sha256']}  {f['path']}  ({f['size']} octets)")
        if item["id"] in images:
            d.image(images[item["id"]])

    if any(i["record"]["kind"] == "url" for i in manifest["items"]):
        from veilleur.evidence.constat import DISCLAIMER_FR

        d.h2("Portée des captures de pages web")
        d.p(DISCLAIMER_FR, 9.5)

    d.h2("Journal de conservation (chaîne de possession)")
    d.p(
        "Le journal joint (ledger/ledger.jsonl) part de l'entrée n° 1 et va jusqu'à l'entrée d'export de ce "
        "dossier (et, le cas échéant, jusqu'à l'entrée horodatée qui la couvre). Les entrées concernant "
        "d'autres affaires n'y figurent que par leur en-tête (données masquées), ce qui suffit à vérifier la "
        "chaîne. Entrées de cette affaire à la création de ce rapport :",
        9.5,
    )
    for e in entries:
        d.mono(
            f"n° {e['seq']:>6}  {paris(datetime.fromisoformat(e['at'].replace('Z', '+00:00')))}  "
            f"{ACTION_FR.get(e['action'], e['action'])}  {e['actor']}  {e['item_id'] or ''}"
        )
    d.p(
        "Scellé : l'entrée d'export qui suit ces entrées contient l'empreinte SHA-256 de ce rapport et de chaque "
        "fichier de pièce, ainsi que l'intitulé de l'affaire et l'auteur de l'export. Ce rapport est donc lié à "
        "la chaîne du journal et, si cette entrée est horodatée, à son jeton ; pas seulement à SHA256SUMS. Son numéro "
        "figure dans manifest.json (ledger.export_seq) et dans VERIFIER.txt.",
        9.5,
    )
    problems = manifest.get("ledger_problems") or []
    if problems:
        d.h2("ATTENTION : journal altéré")
        d.p(
            f"À l'export, la vérification du journal a échoué ({len(problems)} problème(s)). L'export a été forcé "
            "(option --allow-broken-ledger) ; la chaîne de possession de ce dossier n'est pas fiable :",
            10,
        )
        for p in problems[:50]:
            d.mono(p)

    d.h2("Horodatages (RFC 3161)")
    for t in manifest["timestamps"]:
        d.kv("Entrée horodatée", f"n° {t['seq']} (empreinte {t['entry_hash'][:16]}…)")
        d.kv("Autorité", f"{t.get('tsa_name') or ''} <{t['tsa_url']}>")
        d.kv("Date du jeton", _dt(t["gen_time"]))
        d.kv("Jeton", t["token"])
    if manifest.get("tsa_configured"):
        d.p(
            "Le jeton de l'entrée d'export, demandé après la création de ce rapport, figure dans le dossier "
            "(timestamps/) s'il a été obtenu : voir VERIFIER.txt et « veilleur evidence verify ».",
            9,
        )
    if not manifest["timestamps"]:
        if manifest.get("tsa_configured"):
            d.p(
                "Aucun jeton d'horodatage n'existait à la création de ce rapport. Si le dossier n'en contient aucun "
                "(répertoire timestamps/ vide), " + NO_TOKEN_FR[0].lower() + NO_TOKEN_FR[1:],
                9.5,
            )
        else:
            d.p(NO_TOKEN_FR + " (Aucune autorité d'horodatage n'est configurée.)", 9.5)

    d.h2("Comment vérifier")
    d.p("Sans veilleur, avec les outils standard sha256sum (coreutils) et openssl :", 10)
    d.mono("unzip bundle.zip -d preuves && cd preuves")
    d.mono("sha256sum -c SHA256SUMS")
    d.p(
        "Chaque ligne doit finir par « OK ». SHA256SUMS couvre tous les fichiers du dossier, mais quiconque "
        "modifie un fichier peut aussi le recalculer : ce qui lie les fichiers est le journal (entrée d'export) et "
        "ses jetons d'horodatage. Puis, pour chaque jeton :",
        10,
    )
    d.mono(
        "openssl ts -verify -data ledger/entries/<n°>.json -in timestamps/<n°>-<k>.tsr -CAfile timestamps/<ca>.pem"
    )
    d.p("(VERIFIER.txt donne la commande exacte de chaque jeton du dossier.)", 9)
    d.p(
        "openssl doit répondre « Verification: OK » : l'autorité atteste que l'entrée du journal existait à la "
        "date du jeton. L'empreinte SHA-256 de ce fichier d'entrée est l'empreinte de l'entrée ; chaque entrée "
        "contient l'empreinte de la précédente (prev_hash) et celle de ses données (data_sha256) ; les "
        "données d'une entrée « ajout » listent le SHA-256 de chaque fichier de la pièce. On peut le refaire à "
        "la main : « sha256sum ledger/entries/N.json » donne le prev_hash de l'entrée N+1, et "
        "« sha256sum ledger/data/N.json » le data_sha256 de l'entrée N ; les données de l'entrée d'export "
        "(ledger/data/N.json) listent le SHA-256 de ce rapport et de chaque fichier de pièce. Vérifier l'empreinte de l'autorité "
        "(fichier .pem) auprès de celle-ci. « veilleur evidence verify bundle.zip » fait toutes ces "
        "vérifications d'un coup et nomme précisément tout fichier ou toute entrée modifiés, ajoutés ou retirés.",
        9.5,
    )
    return bytes(d.pdf.output())
