#!/usr/bin/env python3
"""Compact source -> JSON. Format:
header lines:  id: / platform: / register: / harassment: / target: / start: 2026-03-10T18:00+01:00
member lines:  = id | Display Name | nick1,nick2 | defaultrole
time reset:    @ 2026-03-11T20:05
message:       [flags]author[:role][>a,b][^N]["N] text
   flags: ! hostile, $ doxxing ; ^N reply_to mN ; "N quote_of mN
   addressees default: author of reply_to if any, else []. '>-' forces [].
"""
import sys, re, json, random, datetime, os
MSG = re.compile(r'^([!$]*)([a-z0-9_]+)(?::([a-z]+))?(?:>([a-z0-9_,\-]+))?(?:\^([a-z0-9_]+))?(?:"([a-z0-9_]+))?\s+(.*)$')
def conv(path, outdir):
    rnd = random.Random(path)
    hdr = {}; members = []; roles = {}; msgs = []; dox = []
    t = None; tz = None
    for ln, line in enumerate(open(path, encoding='utf-8'), 1):
        line = line.rstrip('\n')
        if not line.strip() or line.startswith('#'): continue
        m = re.match(r'^(id|platform|register|harassment|target|start):\s*(.*)$', line)
        if m and not msgs:
            k, v = m.groups(); hdr[k] = v.strip()
            if k == 'start':
                t = datetime.datetime.fromisoformat(v.strip()); tz = t.tzinfo
            continue
        if line.startswith('= '):
            p = [x.strip() for x in line[2:].split('|')]
            members.append({"id": p[0], "display_name": p[1], "nicknames": [n for n in p[2].split(',') if n.strip()] if len(p) > 2 else []})
            roles[p[0]] = p[3] if len(p) > 3 and p[3] else 'neutral'
            continue
        if line.startswith('@ '):
            nt = datetime.datetime.fromisoformat(line[2:].strip()).replace(tzinfo=tz)
            assert nt > t, (path, ln)
            t = nt; continue
        m = MSG.match(line)
        if not m: raise SystemExit(f"{path}:{ln}: bad line {line!r}")
        flags, au, role, addr, rep, quo, text = m.groups()
        if au not in roles: raise SystemExit(f"{path}:{ln}: unknown author {au}")
        n = len(msgs) + 1
        if msgs:
            t = t + datetime.timedelta(seconds=rnd.choice([8,15,20,30,45,60,60,90,120,180,240]))
        def ref(x):
            if not x: return None
            if x.isdigit(): return f"m{x}"
            for pm in reversed(msgs):
                if pm['author'] == x: return pm['id']
            raise SystemExit(f"{path}:{ln}: no earlier msg by {x}")
        rep = ref(rep); quo = ref(quo)
        if addr == '-': ads = []
        elif addr: ads = addr.split(',')
        elif rep: ads = [msgs[int(rep[1:]) - 1]['author']]
        else: ads = []
        ads = [a for a in ads if a != au] if addr is None else ads
        msg = {"id": f"m{n}", "author": au, "ts": t.isoformat(), "text": text,
               "reply_to": rep, "quote_of": quo, "role": role or roles[au],
               "addressees": ads, "hostile": '!' in flags or '$' in flags}
        if '$' in flags: dox.append(msg['id'])
        msgs.append(msg)
    tgt = hdr.get('target', 'null')
    out = {"chat_id": hdr['id'], "platform": hdr['platform'], "register": hdr['register'],
           "harassment": hdr['harassment'] == 'true', "target": None if tgt in ('null', '-', '') else tgt,
           "doxxing": dox, "members": members, "messages": msgs}
    with open(os.path.join(outdir, hdr['id'] + '.json'), 'w', encoding='utf-8') as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
    return out
if __name__ == '__main__':
    for p in sys.argv[1:]:
        o = conv(p, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
        print(o['chat_id'], len(o['messages']))
