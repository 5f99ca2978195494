#!/usr/bin/env bash
# The main job on the bundled demo group, end to end (called by `make demo`, after the venv exists):
#   1. scan the Facebook export (import + every detector) and print the summary;
#   2. measure the findings against the ground-truth labels (precision/recall per category);
#   3. open the two demo cases (raid against a doctor; patients identifiable, minors among them),
#      show their legal qualification, deadlines and next step;
#   4. seal the raid's messages as evidence, export a verifiable bundle and verify it;
#   5. draft the documents (complaint to the procureur, report to the Ordre, DSA notice);
#   6. create a demo moderator account so that `veilleur serve` shows the same data.
# Everything goes to VEILLEUR_HOME (default var/demo), recreated from scratch on every run.
set -euo pipefail
cd "$(dirname "$0")/.."
V=".venv/bin/veilleur"
export VEILLEUR_HOME="${VEILLEUR_HOME:-$PWD/var/demo}"
OUT="$VEILLEUR_HOME/out"
rm -rf "$VEILLEUR_HOME" && mkdir -p "$OUT"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1/6 Scan of the demo group (demo/facebook-export)"
$V scan demo/facebook-export

step "2/6 Findings against the ground truth (demo/labels.jsonl)"
$V eval findings demo/labels.jsonl

step "3/6 Cases: qualification (indicative), deadlines, graduated response"
$V case demo
RAID=demo-harcelement-marchetti
SECRET=demo-secret-medical-mineurs
$V case show "$RAID"
$V case show "$SECRET"
$V deadlines --within 12m

step "4/6 Evidence: seal the raid's messages, export and verify the bundle"
uids=$($V case show "$RAID" --json | .venv/bin/python -c 'import json,sys; print(" ".join(json.load(sys.stdin)["case"]["message_uids"]))')
n=0
for uid in $uids; do
  $V evidence capture --message "$uid" --case "$RAID" --actor demo >/dev/null
  n=$((n + 1))
done
echo "$n messages sealed in the vault (raw record, normalised form, rendered card PNG+PDF, hashes, ledger)"
$V evidence export "$RAID" -o "$OUT/preuves-$RAID.zip" --actor demo
$V evidence verify "$OUT/preuves-$RAID.zip"
echo "Check it without veilleur: unzip it and follow 'Comment vérifier' in report.pdf (sha256sum -c SHA256SUMS)."

step "5/6 Documents (drafts to review), every kind for both cases, PDF"
# The sender is the fictional targeted doctor (raid: her lawyer's address, never her home address) or the
# fictional moderation team (secrecy case: a third party, signalement wording, no patient ever quoted).
RAID_SENDER=(--set "name=Dr Hélène Marchetti (fictive)" --set "email=h.marchetti@example.org"
  --set "lawyer_address=Cabinet de Maître Anne Ombredane (fictive), 8 boulevard Desaix, 63000 Clermont-Ferrand"
  --set "city=Clermont-Ferrand" --set "court_city=Clermont-Ferrand" --set "ordre_department=Somme"
  --set "prior_request_date=2026-04-16" --set "respondent=Thierry Vasseur" --set "pharos_override=oui"
  --set "capacity=médecin généraliste, centre de santé (fictif)"
  --set "context=Médecin généraliste salariée d'un centre de santé, je suis membre du groupe Facebook « Entre Confrères — Médecins francophones », groupe fermé d'environ 1 850 membres, admis sur demande après validation par les administrateurs. Le 14 avril 2026, j'y ai publié un message dénonçant des moqueries envers des patients et indiquant avoir signalé certains messages ; les messages ci-dessous, publiés par des membres se présentant comme médecins, ont suivi en quelques heures.")
SECRET_SENDER=(--set "name=Équipe de modération du groupe (fictive)" --set "email=moderation@example.org"
  --set "reporter_role=moderator" --set "signatory=Claire Dubois, modératrice (fictive)"
  --set "address=3 place du Marché, 15000 Aurillac (fictive)" --set "city=Aurillac" --set "court_city=Aurillac"
  --set "ordre_department=Creuse" --set "respondent=Marion Texier" --set "pharos_override=oui")
# One letter per author (respondent); PHAROS only handles public content (a closed group: override shown).
# (droit_de_reponse is refused for these cases, rightly: its 3-month window closed in July 2026; the erasure
#  request is refused to the moderators, rightly: it belongs to the patients or their parents.)
for kind in dsa_notice plainte_procureur cnil_complaint signalement_ordre pharos mise_en_demeure demande_effacement reponse_pacifique; do
  $V document "$kind" --case "$RAID" -o "$OUT/$RAID/$kind.pdf" --actor demo "${RAID_SENDER[@]}"
  if [ "$kind" = demande_effacement ]; then
    $V document "$kind" --case "$SECRET" -o "$OUT/$SECRET/$kind.pdf" --actor demo "${SECRET_SENDER[@]}" \
      || echo "(refused, as it should be)"
    continue
  fi
  $V document "$kind" --case "$SECRET" -o "$OUT/$SECRET/$kind.pdf" --actor demo "${SECRET_SENDER[@]}"
done
# An interne is reported to her CHU, not to the Ordre (she is not on its tableau).
$V document signalement_ordre --case "$SECRET" -o "$OUT/$SECRET/signalement_chu_interne.pdf" --actor demo \
  "${SECRET_SENDER[@]}" --set "respondent=Julie Perrin" --set "respondent_status=interne" \
  --set "establishment=CHU de Clermont-Ferrand (fictif)"
$V document dsa_notice --case "$RAID" -o "$OUT/$RAID/dsa_notice.txt" --actor demo "${RAID_SENDER[@]}"
echo "Documents written under $OUT/ (PDF; .txt/.md for web forms):"
(cd "$OUT" && find . -name '*.pdf' -o -name '*.txt' | sort)

step "6/6 Moderator workspace"
printf 'demo-veilleur\n' | $V user add moderatrice --role admin --name "Modératrice de démonstration" --password-stdin >/dev/null
cat <<EOF
Start it with:   VEILLEUR_HOME=$VEILLEUR_HOME $V serve
then open http://127.0.0.1:8000 and log in as moderatrice / demo-veilleur (demo only: change it).
EOF
