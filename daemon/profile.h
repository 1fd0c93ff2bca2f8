/* profile.h -- perf script output folded into stacks; hottest functions. */
#ifndef BENCHD_PROFILE_H
#define BENCHD_PROFILE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Folded stacks, one per line, root first, as flamegraph tools use them:
 *	"cargo;main;foo;bar 12\n"
 * The first frame is the process name (comm). Kernel frames carry the
 * suffix "_[k]". A frame perf could not name is the basename of its
 * module in brackets ("[libc.so.6]"), or "[unknown]".
 */
#define PROFILE_KERNEL_SUFFIX	"_[k]"

/* Accumulates samples from `perf script` text fed in any chunking. */
struct profile_fold;

struct profile_fold	*profile_fold_new(void);
void			 profile_fold_feed(struct profile_fold *, const char *,
			    size_t);
/*
 * Flushes the last sample; returns the folded text, sorted by stack.
 * Only _samples, _skipped and _free may follow it.
 */
char			*profile_fold_finish(struct profile_fold *, size_t *);
uint64_t		 profile_fold_samples(const struct profile_fold *);
/* Lines dropped: headers that do not parse, NUL bytes, over 256 KiB. */
uint64_t		 profile_fold_skipped(const struct profile_fold *);
void			 profile_fold_free(struct profile_fold *);

/* Parsed folded text. frames[0] is the process name. */
struct profile_stack {
	char		**frames;
	size_t		  nframes;
	uint64_t	  count;
};

struct profile_stacks {
	struct profile_stack	*v;
	size_t			 n;
	uint64_t		 total;		/* sum of counts */
};

/*
 * 0, or -1 with *err set (allocated) naming the bad line. The count is
 * the last blank-separated token; blank lines are skipped.
 */
int	profile_stacks_parse(const char *, size_t, struct profile_stacks *,
	    char **);
void	profile_stacks_free(struct profile_stacks *);

/* zlib; 0 or -1. The output is allocated. */
int	profile_compress(const char *, size_t, unsigned char **, size_t *);
int	profile_uncompress(const unsigned char *, size_t, char **, size_t *);
/*
 * Uncompressed text is NUL-terminated (not counted in the size); corrupt,
 * truncated or trailing input, or more than the limit, is an error.
 */
#define PROFILE_UNCOMPRESS_MAX	((size_t)1 << 30)
int	profile_uncompress_max(const unsigned char *, size_t, size_t, char **,
	    size_t *);

/*
 * [profile] category.NAME = PREFIX ... : a frame whose symbol starts with
 * one of the prefixes belongs to NAME; "comm:PREFIX" matches the process
 * name instead; the word "kernel" matches kernel frames.
 */
struct profile_category {
	char		 *name;
	char		**prefixes;
	size_t		  nprefixes;
};

struct profile_categories {
	struct profile_category	*v;
	size_t			 n;
};

/* The category of one frame of a stack of process comm; "other" if none. */
const char	*profile_category_of(const struct profile_categories *,
		    const char *, const char *);

struct profile_hot_fn {
	char		*name;
	const char	*category;
	uint64_t	 self;		/* samples with this as the leaf */
	uint64_t	 total;		/* samples with this anywhere */
};

struct profile_hot_cat {
	const char	*name;
	uint64_t	 self;		/* samples whose leaf is in it */
};

struct profile_hot {
	uint64_t		 samples;
	struct profile_hot_fn	*by_self;	/* self desc, name asc */
	size_t			 nby_self;
	struct profile_hot_fn	*by_total;	/* total desc, name asc */
	size_t			 nby_total;
	struct profile_hot_cat	*cats;		/* self desc, name asc */
	size_t			 ncats;
};

/* The top n functions by self and by total, and every category. */
void	profile_hot(const struct profile_stacks *,
	    const struct profile_categories *, size_t, struct profile_hot *);
void	profile_hot_free(struct profile_hot *);

#endif /* BENCHD_PROFILE_H */
