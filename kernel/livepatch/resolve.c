// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Finding the code a patch refers to
 *
 * Old functions are found by name through kallsyms, in vmlinux or in one
 * module, with the old_sympos rule: 0 asks for a unique name, n > 0 for
 * the n-th symbol of that name in kallsyms order.
 *
 * Livepatch modules may also refer to symbols that the module loader
 * cannot resolve (static functions and data of the patched object).  Such
 * references live in relocation sections named .klp.rela.<object>.<section>
 * (flagged SHF_RELA_LIVEPATCH) against symbols named
 * .klp.sym.<object>.<symbol>,<sympos> (section SHN_LIVEPATCH) of that same
 * object.  They are applied here: vmlinux ones while the livepatch module
 * loads, a module's ones when that module comes, and cleared when it goes.
 * See Documentation/livepatch/module-elf-format.rst, which lists the rules
 * enforced here and where they are stricter than upstream 6.12's.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/elf.h>
#include <linux/ftrace.h>
#include <linux/kallsyms.h>
#include <linux/kstrtox.h>
#include <linux/moduleloader.h>
#include <linux/string.h>
#include <linux/stringify.h>
#include "internal.h"

/* Widths for sscanf: object names are module names, symbols kallsyms names */
#define KLP_OBJNAME_WIDTH	55	/* MODULE_NAME_LEN - 1 */
#define KLP_SYMNAME_WIDTH	511	/* KSYM_NAME_LEN - 1 */

static_assert(MODULE_NAME_LEN - 1 == KLP_OBJNAME_WIDTH);
static_assert(KSYM_NAME_LEN - 1 == KLP_SYMNAME_WIDTH);

/**
 * clear_relocate_add() - undo the relocations of one section
 * @sechdrs:	section headers of the module
 * @strtab:	its symbol string table
 * @symindex:	index of its symbol table
 * @relsec:	index of the relocation section
 * @me:		the module
 *
 * The default for architectures that apply a relocation over whatever
 * the location holds, so that nothing needs undoing before the target
 * module comes back (x86 checks for zeroes and has its own).
 */
void __weak clear_relocate_add(Elf_Shdr *sechdrs, const char *strtab,
			       unsigned int symindex, unsigned int relsec,
			       struct module *me)
{
}

struct klp_sym_query {
	const char *name;	/* only for the module walk */
	unsigned long sympos;	/* wanted position, 0: must be unique */
	unsigned long count;	/* matches seen so far */
	unsigned long addr;	/* the wanted match, or the first one */
};

/* Returns non-zero to stop the walk once the answer cannot change. */
static int klp_sym_match(struct klp_sym_query *q, unsigned long addr)
{
	q->count++;
	if (q->count == 1 || q->count == q->sympos)
		q->addr = addr;
	if (q->sympos && q->count == q->sympos)
		return 1;
	/* A unique name needs no more than two matches to be refuted. */
	return !q->sympos && q->count > 1;
}

static int klp_vmlinux_sym_cb(void *data, unsigned long addr)
{
	return klp_sym_match(data, addr);
}

static int klp_module_sym_cb(void *data, const char *name, unsigned long addr)
{
	struct klp_sym_query *q = data;

	if (strcmp(q->name, name))
		return 0;
	return klp_sym_match(q, addr);
}

/**
 * klp_find_symbol() - resolve a symbol of an object by name and position
 * @objname:	module name, or NULL / "vmlinux"
 * @name:	symbol name
 * @sympos:	0 for a unique name, n for the n-th of that name
 * @addr:	returns the address
 *
 * Return: 0, -ENOENT when there is no such symbol or position, -EINVAL
 * when a unique name was asked for and there are several.
 */
int klp_find_symbol(const char *objname, const char *name,
		    unsigned long sympos, unsigned long *addr)
{
	struct klp_sym_query q = { .name = name, .sympos = sympos };

	if (!objname || !strcmp(objname, "vmlinux"))
		kallsyms_on_each_match_symbol(klp_vmlinux_sym_cb, name, &q);
	else
		module_kallsyms_on_each_symbol(objname, klp_module_sym_cb, &q);

	if (!q.count)
		return -ENOENT;
	if (!sympos && q.count > 1)
		return -EINVAL;
	if (sympos > q.count)
		return -ENOENT;
	*addr = q.addr;
	return 0;
}

static const char *klp_sym_err(int err, unsigned long sympos)
{
	if (err == -EINVAL)
		return "is ambiguous, set old_sympos";
	return sympos ? "has no such position" : "not found";
}

/*
 * Parse ".klp.sym.<object>.<symbol>,<sympos>", with nothing after the
 * sympos and nothing but decimal digits in it: a name that runs on (its
 * NUL lost) or has a sign, a space or an overflowing number is not one.
 */
static bool klp_parse_sym_name(const char *name, char *sym_obj,
			       char *sym_name, unsigned long *sympos)
{
	const char *pos;
	int n = 0;

	if (sscanf(name, ".klp.sym.%" __stringify(KLP_OBJNAME_WIDTH) "[^.].%"
		   __stringify(KLP_SYMNAME_WIDTH) "[^,],%n",
		   sym_obj, sym_name, &n) != 2 || !n)
		return false;
	pos = name + n;
	return *pos && strspn(pos, "0123456789") == strlen(pos) &&
	       !kstrtoul(pos, 10, sympos);
}

/*
 * What the module loader does not check in a .klp.rela section, and the
 * arch code trusts: each relocation names a symbol of the symbol table
 * and a place inside the section it applies to.  @sec->sh_info must be
 * valid (klp_check_rela_sec()).
 */
static int klp_check_rela_entries(struct module *pmod, Elf_Shdr *sechdrs,
				  unsigned int symndx, Elf_Shdr *sec,
				  const char *secname)
{
	Elf_Rela *rela = (Elf_Rela *)sec->sh_addr;
	Elf_Shdr *target = sechdrs + sec->sh_info;
	unsigned int nsyms = sechdrs[symndx].sh_size / sizeof(Elf_Sym);
	unsigned int i, n = sec->sh_size / sizeof(*rela);

	for (i = 0; i < n; i++) {
		if (ELF_R_SYM(rela[i].r_info) >= nsyms) {
			pr_err("'%s': %s: relocation %u names symbol %llu, past the symbol table (%u symbols)\n",
			       pmod->name, secname, i,
			       (u64)ELF_R_SYM(rela[i].r_info), nsyms);
			return -EINVAL;
		}
		if (rela[i].r_offset >= target->sh_size) {
			pr_err("'%s': %s: relocation %u at offset %llu is outside its section (%llu bytes)\n",
			       pmod->name, secname, i, (u64)rela[i].r_offset,
			       (u64)target->sh_size);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Give every symbol that the section uses its address.  Each must be a
 * livepatch symbol: exported symbols, and the patch module's own, have
 * ordinary relocation sections, which the module loader applies.  And
 * each must be a symbol of the section's own object.  vmlinux ones
 * belong in vmlinux sections, applied while the patch module loads,
 * before any of its code runs.  A module's section is applied when the
 * module comes and cleared when it goes: a symbol of another module
 * could go away under a relocation that stays.
 */
static int klp_resolve_relocs(struct module *pmod, Elf_Shdr *sechdrs,
			      const char *strtab, unsigned int symndx,
			      Elf_Shdr *sec, const char *secname,
			      const char *sec_obj)
{
	Elf_Rela *rela = (Elf_Rela *)sec->sh_addr;
	Elf_Sym *symtab = (Elf_Sym *)sechdrs[symndx].sh_addr;
	unsigned int i, n = sec->sh_size / sizeof(*rela);
	char sym_obj[KLP_OBJNAME_WIDTH + 1];
	char sym_name[KLP_SYMNAME_WIDTH + 1];
	int ret;

	ret = klp_check_rela_entries(pmod, sechdrs, symndx, sec, secname);
	if (ret)
		return ret;

	for (i = 0; i < n; i++) {
		Elf_Sym *sym = symtab + ELF_R_SYM(rela[i].r_info);
		const char *name = strtab + sym->st_name;
		unsigned long sympos, addr;

		if (sym->st_shndx != SHN_LIVEPATCH) {
			pr_err("'%s': %s: symbol '%s' is not a livepatch symbol (SHN_LIVEPATCH)\n",
			       pmod->name, secname, name);
			return -EINVAL;
		}

		if (!klp_parse_sym_name(name, sym_obj, sym_name, &sympos)) {
			pr_err("'%s': %s: malformed livepatch symbol name '%.*s'\n",
			       pmod->name, secname, KSYM_NAME_LEN, name);
			return -EINVAL;
		}
		if (strcmp(sym_obj, sec_obj)) {
			if (!strcmp(sym_obj, "vmlinux"))
				pr_err("'%s': %s: vmlinux symbol '%s' belongs in a .klp.rela.vmlinux section\n",
				       pmod->name, secname, sym_name);
			else
				pr_err("'%s': %s: symbol '%s' of module '%s' is out of reach: only '%s' ones may be used here\n",
				       pmod->name, secname, sym_name, sym_obj,
				       sec_obj);
			return -EINVAL;
		}
		ret = klp_find_symbol(sym_obj, sym_name, sympos, &addr);
		if (ret) {
			pr_err("'%s': object '%s': symbol '%s' (sympos %lu) %s\n",
			       pmod->name, sym_obj, sym_name, sympos,
			       klp_sym_err(ret, sympos));
			/* A patch that names what is not there is invalid. */
			return -EINVAL;
		}
		sym->st_value = addr;
	}
	return 0;
}

/* Apply a resolved section; the arch code says why when it cannot. */
static int klp_write_section(struct module *pmod, Elf_Shdr *sechdrs,
			     const char *strtab, unsigned int symndx,
			     unsigned int secindex, const char *secname)
{
	int ret;

	ret = apply_relocate_add(sechdrs, strtab, symndx, secindex, pmod);
	if (ret)
		pr_err("'%s': %s: apply_relocate_add() failed (%d)\n",
		       pmod->name, secname, ret);
	return ret;
}

/*
 * What klp_check_rela_sec() checks that the module loader does not, before
 * it hands livepatch a section: it does so for every flagged section, of
 * any type, and also for one that applies to the symbol or string table
 * (which it marks SHF_ALLOC itself, to keep them for kallsyms).
 */
static int klp_check_rela_type(struct module *pmod, Elf_Shdr *sechdrs,
			       const char *secstrings, unsigned int symndx,
			       Elf_Shdr *sec, const char *secname)
{
	unsigned int target = sec->sh_info;

	if (sec->sh_type != SHT_RELA) {
		pr_err("'%s': %s: is not a SHT_RELA section (type %u)\n",
		       pmod->name, secname, sec->sh_type);
		return -EINVAL;
	}
	if (target == symndx || target == sechdrs[symndx].sh_link) {
		pr_err("'%s': %s: applies to '%s', the symbol or string table\n",
		       pmod->name, secname,
		       secstrings + sechdrs[target].sh_name);
		return -EINVAL;
	}
	return 0;
}

/*
 * A .klp.rela section must be RELA, kept in memory (SHF_ALLOC) to be
 * applied when its object comes, and apply to a section of the module
 * that is loaded.  The module loader skips (without a word) one that
 * does not, while the arch code would write through its section's
 * address: none, or that of the copy of the file freed after loading.
 */
static int klp_check_rela_sec(struct module *pmod, Elf_Shdr *sechdrs,
			      unsigned int shnum, const char *secstrings,
			      unsigned int symndx, unsigned int i)
{
	Elf_Shdr *sec = sechdrs + i;
	const char *secname = secstrings + sec->sh_name;
	unsigned int target = sec->sh_info;

	if (!(sec->sh_flags & SHF_ALLOC)) {
		pr_err("'%s': %s: is not kept in memory (no SHF_ALLOC)\n",
		       pmod->name, secname);
		return -EINVAL;
	}
	if (!target || target >= shnum) {
		pr_err("'%s': %s: applies to section %u, which does not exist\n",
		       pmod->name, secname, target);
		return -EINVAL;
	}
	if (!(sechdrs[target].sh_flags & SHF_ALLOC)) {
		pr_err("'%s': %s: applies to section '%s', which is not loaded\n",
		       pmod->name, secname,
		       secstrings + sechdrs[target].sh_name);
		return -EINVAL;
	}
	return klp_check_rela_type(pmod, sechdrs, secstrings, symndx, sec,
				   secname);
}

/* Parse ".klp.rela.<obj>.<section>"; return 0 and the object name. */
static int klp_rela_objname(struct module *pmod, const char *secname,
			    char *objname)
{
	if (sscanf(secname, ".klp.rela.%" __stringify(KLP_OBJNAME_WIDTH) "[^.]",
		   objname) != 1) {
		pr_err("'%s': malformed livepatch relocation section name '%s'\n",
		       pmod->name, secname);
		return -EINVAL;
	}
	return 0;
}

/**
 * klp_apply_section_relocs() - apply one .klp.rela section of a patch module
 * @pmod:	the livepatch module
 * @sechdrs:	its section headers
 * @shstrtab:	its section name string table
 * @strtab:	its symbol string table
 * @symindex:	index of its symbol table section
 * @secindex:	index of the relocation section to apply
 * @objname:	the object being resolved: NULL for vmlinux (the module
 *		loader's call), or the name of a module that is coming
 *
 * Sections that belong to another object are left alone.
 *
 * Return: 0 or a negative errno; the section is then not applied.
 */
int klp_apply_section_relocs(struct module *pmod, Elf_Shdr *sechdrs,
			     const char *shstrtab, const char *strtab,
			     unsigned int symindex, unsigned int secindex,
			     const char *objname)
{
	Elf_Shdr *sec = sechdrs + secindex;
	const char *secname = shstrtab + sec->sh_name;
	char sec_obj[KLP_OBJNAME_WIDTH + 1];
	int ret;

	ret = klp_rela_objname(pmod, secname, sec_obj);
	if (ret)
		return ret;
	if (strcmp(objname ? objname : "vmlinux", sec_obj))
		return 0;
	/* The module loader checked sh_info, but not all of it. */
	ret = klp_check_rela_type(pmod, sechdrs, shstrtab, symindex, sec,
				  secname);
	if (ret)
		return ret;

	ret = klp_resolve_relocs(pmod, sechdrs, strtab, symindex, sec,
				 secname, sec_obj);
	if (ret)
		return ret;
	return klp_write_section(pmod, sechdrs, strtab, symindex, secindex,
				 secname);
}

/* Is section @i of the patch module a .klp.rela section of @obj? */
static bool klp_object_sec(struct module *pmod, struct klp_object *obj,
			   unsigned int i)
{
	struct klp_modinfo *info = pmod->klp_info;
	Elf_Shdr *sec = info->sechdrs + i;
	char sec_obj[KLP_OBJNAME_WIDTH + 1];

	return sec->sh_flags & SHF_RELA_LIVEPATCH &&
	       !klp_rela_objname(pmod, info->secstrings + sec->sh_name,
				 sec_obj) &&
	       !strcmp(obj->name, sec_obj);
}

/* Clear the .klp.rela sections of module object @obj below index @end. */
static void klp_clear_object_secs(struct klp_patch *patch,
				  struct klp_object *obj, unsigned int end)
{
	struct module *pmod = patch->mod;
	struct klp_modinfo *info = pmod->klp_info;
	unsigned int i;

	for (i = 1; i < end; i++)
		if (klp_object_sec(pmod, obj, i))
			clear_relocate_add(info->sechdrs,
					   pmod->core_kallsyms.strtab,
					   info->symndx, i, pmod);
}

/*
 * Apply the .klp.rela sections of module object @obj.  When one fails,
 * clear those written so far, and only those: clearing a location that
 * was never written makes x86 complain (its clear_relocate_add() checks
 * that each location holds what the relocation wrote) and stop.
 */
static int klp_apply_object_relocs(struct klp_patch *patch,
				   struct klp_object *obj)
{
	struct module *pmod = patch->mod;
	struct klp_modinfo *info = pmod->klp_info;
	const char *strtab = pmod->core_kallsyms.strtab;
	unsigned int i, written;
	int ret;

	for (i = 1; i < info->hdr.e_shnum; i++) {
		Elf_Shdr *sec = info->sechdrs + i;
		const char *secname = info->secstrings + sec->sh_name;

		if (!klp_object_sec(pmod, obj, i))
			continue;
		ret = klp_resolve_relocs(pmod, info->sechdrs, strtab,
					 info->symndx, sec, secname, obj->name);
		if (ret) {
			written = i;
			goto clear;
		}
		ret = klp_write_section(pmod, info->sechdrs, strtab,
					info->symndx, i, secname);
		if (ret) {
			/*
			 * The arch code stops at the relocation it cannot
			 * write, after those before it: clear this section
			 * too.  That undoes them, then trips over the failed
			 * one, which the arch code may report a second time.
			 */
			written = i + 1;
			goto clear;
		}
	}
	return 0;

clear:
	klp_clear_object_secs(patch, obj, written);
	return ret;
}

/**
 * klp_check_relocs() - refuse malformed or unknown relocation sections
 * @patch:	the patch being registered
 *
 * A section of a module that the patch has no object for would never be
 * applied, and the code that needs it would find zeroes: refuse it now.
 * So is one whose layout is broken (klp_check_rela_sec(),
 * klp_check_rela_entries()), whatever its object and whether or not that
 * is loaded: the symbols it names are looked up only when it is applied.
 *
 * Return: 0, or -EINVAL after logging the offending section.
 */
int klp_check_relocs(struct klp_patch *patch)
{
	struct module *pmod = patch->mod;
	struct klp_modinfo *info = pmod->klp_info;
	char sec_obj[KLP_OBJNAME_WIDTH + 1];
	struct klp_object *obj;
	unsigned int i;

	if (!info)
		return 0;
	for (i = 1; i < info->hdr.e_shnum; i++) {
		Elf_Shdr *sec = info->sechdrs + i;
		const char *secname = info->secstrings + sec->sh_name;
		bool known = false;

		if (!(sec->sh_flags & SHF_RELA_LIVEPATCH))
			continue;
		if (klp_rela_objname(pmod, secname, sec_obj))
			return -EINVAL;
		/*
		 * The module loader applied the vmlinux ones already (those
		 * it did not skip): new code may call vmlinux statics
		 * whatever objects it patches.
		 */
		if (strcmp(sec_obj, "vmlinux")) {
			klp_for_each_object(patch, obj)
				known |= !strcmp(klp_object_name(obj), sec_obj);
			if (!known) {
				pr_err("'%s': %s: object '%s' is not part of the patch\n",
				       pmod->name, secname, sec_obj);
				return -EINVAL;
			}
		}
		if (klp_check_rela_sec(pmod, info->sechdrs, info->hdr.e_shnum,
				       info->secstrings, info->symndx, i) ||
		    klp_check_rela_entries(pmod, info->sechdrs, info->symndx,
					   sec, secname))
			return -EINVAL;
	}
	return 0;
}

/**
 * klp_clear_object_relocs() - undo a module object's relocations
 * @patch:	the patch
 * @obj:	a module object whose module is going
 *
 * x86 applies a relocation only to a zeroed location, so they must be
 * cleared for the module to be patched again when it comes back.
 */
void klp_clear_object_relocs(struct klp_patch *patch, struct klp_object *obj)
{
	if (klp_is_module(obj))
		klp_clear_object_secs(patch, obj,
				      patch->mod->klp_info->hdr.e_shnum);
}

static int klp_resolve_func(struct klp_patch *patch, struct klp_object *obj,
			    struct klp_func *func)
{
	const char *pname = klp_patch_name(patch);
	const char *oname = klp_object_name(obj);
	unsigned long pos = func->old_sympos ? func->old_sympos : 1;
	unsigned long addr;
	int ret;

	ret = klp_find_symbol(obj->name, func->old_name, func->old_sympos,
			      &addr);
	if (ret) {
		pr_err("'%s': object '%s': function '%s' (sympos %lu) %s\n",
		       pname, oname, func->old_name, func->old_sympos,
		       klp_sym_err(ret, func->old_sympos));
		return -EINVAL;
	}
	func->old_func = (void *)addr;
	if (!kallsyms_lookup_size_offset(addr, &func->old_size, NULL)) {
		pr_err("'%s': object '%s': no size for function '%s,%lu'\n",
		       pname, oname, func->old_name, pos);
		return -ENOENT;
	}
	if (!ftrace_location(addr)) {
		pr_err("'%s': object '%s': function '%s,%lu' cannot be traced (notrace?)\n",
		       pname, oname, func->old_name, pos);
		return -EINVAL;
	}
	if (func->nop) {
		func->new_func = func->old_func;
		func->new_size = func->old_size;
		return 0;
	}
	if (!kallsyms_lookup_size_offset((unsigned long)func->new_func,
					 &func->new_size, NULL)) {
		pr_err("'%s': object '%s': no size for the new code of '%s,%lu'\n",
		       pname, oname, func->old_name, pos);
		return -ENOENT;
	}
	return 0;
}

/**
 * klp_resolve_object() - prepare a loaded object for patching
 * @patch:	the patch
 * @obj:	an object whose code is present
 *
 * Applies the object's .klp.rela sections (module objects; vmlinux ones
 * were applied when the patch module loaded) and finds every old function.
 *
 * Return: 0 or a negative errno, after one log line naming the patch,
 * object and function; relocations applied here are cleared again.
 */
int klp_resolve_object(struct klp_patch *patch, struct klp_object *obj)
{
	struct klp_func *func;
	int ret;

	lockdep_assert_held(&klp_mutex);

	if (klp_is_module(obj)) {
		ret = klp_apply_object_relocs(patch, obj);
		if (ret)
			return ret;
	}
	klp_for_each_func(obj, func) {
		ret = klp_resolve_func(patch, obj, func);
		if (ret)
			goto clear;
	}
	return 0;

clear:
	klp_clear_object_relocs(patch, obj);
	return ret;
}
