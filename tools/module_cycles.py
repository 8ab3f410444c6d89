#!/usr/bin/env python3
"""No two modules under src/ import each other (issue: one-way layers). Reads every `crate::...`
and `super::...` path in each file (comments aside), maps it to the module it names, and fails
naming each pair of modules that reach each other. A parent and its own submodule do not count.
"""
import os,re,sys
root=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src')
root=os.path.normpath(root)
mods={}
for dp,dn,fn in os.walk(root):
    for f in fn:
        if f.endswith('.rs'):
            p=os.path.join(dp,f)
            rel=p[len(root)+1:-3]
            parts=rel.split('/')
            if parts[-1] in ('mod','lib','main'): parts=parts[:-1]
            mods['::'.join(parts)]=p
edges={}
for m,p in mods.items():
    s=open(p).read()
    s=re.sub(r'//[^\n]*','',s)
    refs=set()
    # Grouped imports name each member: `crate::services::{audit, scope}` reaches both.
    paths=re.findall(r'crate::([a-z_]+(?:::[a-z_]+)*)',s)
    for base,inner in re.findall(r'crate::((?:[a-z_]+::)*)\{([^{}]*)\}',s):
        for item in inner.split(','):
            item=item.strip().split(' as ')[0]
            if re.match(r'^[a-z_]+(::[a-z_]+)*$',item):
                paths.append(base+item)
    for r in paths:
        parts=r.split('::')
        # longest prefix that is a module
        for k in range(len(parts),0,-1):
            cand='::'.join(parts[:k])
            if cand in mods: refs.add(cand); break
    # super:: refs
    base=m.split('::')
    supers=re.findall(r'super::([a-z_]+)',s)
    for inner in re.findall(r'super::\{([^{}]*)\}',s):
        for item in inner.split(','):
            item=item.strip().split('::')[0].split(' as ')[0]
            if re.match(r'^[a-z_]+$',item):
                supers.append(item)
    for r in supers:
        parent=base[:-1] if not p.endswith('mod.rs') else base[:-1]
        cand='::'.join(parent+[r])
        if cand in mods: refs.add(cand)
    refs.discard(m)
    edges[m]=refs
pairs=set()
for a,rs in edges.items():
    for b in rs:
        if a in edges.get(b,()) and not (a.startswith(b+'::') or b.startswith(a+'::')):
            pairs.add(tuple(sorted((a,b))))
for a,b in sorted(pairs):
    print(f"modules import each other: {a} <-> {b}", file=sys.stderr)
if pairs:
    sys.exit(1)
print(f"modules: no two of {len(mods)} import each other")
