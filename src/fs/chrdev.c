/*
 * chrdev.c - character device numbers, misc devices, cdevs and the /dev table.
 *
 * Three small lists under chrdev_lock:
 *	regions		device number ranges claimed by register/alloc_chrdev_region
 *	cdevs, miscs	what serves a device number: a cdev over [dev, dev + count), or a
 *			misc device at (MISC_MAJOR, minor)
 *	nodes		the /dev table: path -> device number, with the node's inode
 * Opening a path resolves node -> number -> operations at that moment, as chrdev_open does.
 * A removed node stays allocated (on dead_nodes) until shutdown, since open files keep
 * pointing at its inode.
 *
 * Dynamic misc minors are handed out from 127 down, dynamic majors from 254 down, as the
 * kernel does, so the numbers a test sees match a real system's.
 *
 * Locking: chrdev_lock (a mutex) guards all of it. Process context only.
 */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "user/process.h"
#include "machine/initcall.h"

#define NODE_PATH_LEN 64
#define DYNAMIC_MINORS 128
#define DYN_MAJOR_HIGH 254
#define DYN_MAJOR_LOW 234

struct chrdev_region {
	unsigned int major, baseminor, count;
	const char *name;
	struct chrdev_region *next;
};

struct dev_node {
	char path[NODE_PATH_LEN];
	struct inode inode;
	struct dev_node *next;
};

static pthread_mutex_t chrdev_lock = PTHREAD_MUTEX_INITIALIZER;
static struct chrdev_region *regions;
static struct cdev *cdevs;
static struct miscdevice *miscs;
static struct dev_node *nodes, *dead_nodes;
static unsigned char misc_minors[DYNAMIC_MINORS];

static struct dev_node **node_find(const char *path)
{
	struct dev_node **pp;

	for (pp = &nodes; *pp; pp = &(*pp)->next)
		if (!strcmp((*pp)->path, path))
			return pp;
	return NULL;
}

/* A node at @path for @dev with permissions @mode (devtmpfs's default, 0600, when 0). */
static int node_add(const char *path, dev_t dev, unsigned int mode)
{
	struct dev_node *n;

	if (strlen(path) >= NODE_PATH_LEN)
		return -ENAMETOOLONG;
	if (node_find(path))
		return -EEXIST;
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	strcpy(n->path, path);
	n->inode.i_rdev = dev;
	n->inode.i_mode = S_IFCHR | (mode ? mode & 07777 : 0600);
	n->next = nodes;
	nodes = n;
	return 0;
}

static int node_remove(const char *path)
{
	struct dev_node **pp = node_find(path), *n;

	if (!pp)
		return -ENOENT;
	n = *pp;
	*pp = n->next;
	n->next = dead_nodes;
	dead_nodes = n;
	return 0;
}

int kmm_mknod(const char *path, dev_t dev)
{
	int err;

	pthread_mutex_lock(&chrdev_lock);
	err = node_add(path, dev, 0);
	pthread_mutex_unlock(&chrdev_lock);
	return err;
}

int kmm_unlink(const char *path)
{
	int err;

	pthread_mutex_lock(&chrdev_lock);
	err = node_remove(path);
	pthread_mutex_unlock(&chrdev_lock);
	return err;
}

int kmm_stat(const char *path, struct stat *st)
{
	struct dev_node **pp;
	int err = -ENOENT;

	pthread_mutex_lock(&chrdev_lock);
	pp = node_find(path);
	if (pp) {
		const struct inode *inode = &(*pp)->inode;

		memset(st, 0, sizeof(*st));
		st->st_mode = inode->i_mode;
		st->st_nlink = 1;
		st->st_rdev = makedev(MAJOR(inode->i_rdev), MINOR(inode->i_rdev));
		err = 0;
	}
	pthread_mutex_unlock(&chrdev_lock);
	return err;
}

int misc_register(struct miscdevice *misc)
{
	char path[NODE_PATH_LEN];
	struct miscdevice *m;
	int slot = -1, err;

	if (!misc || !misc->name || !misc->fops)
		return -EINVAL;
	snprintf(path, sizeof(path), "/dev/%s", misc->name);
	pthread_mutex_lock(&chrdev_lock);
	if (misc->minor == MISC_DYNAMIC_MINOR) {
		for (int i = 0; i < DYNAMIC_MINORS; i++) {
			if (!misc_minors[i]) {
				slot = i;
				break;
			}
		}
		err = -EBUSY;
		if (slot < 0)
			goto out;
		misc->minor = DYNAMIC_MINORS - 1 - slot;
	} else {
		err = -EBUSY;
		for (m = miscs; m; m = m->kmm_next)
			if (m->minor == misc->minor)
				goto out;
	}
	err = node_add(path, MKDEV(MISC_MAJOR, misc->minor), misc->mode); /* misc_devnode() */
	if (err) {
		if (slot >= 0)
			misc->minor = MISC_DYNAMIC_MINOR;
		goto out;
	}
	if (slot >= 0)
		misc_minors[slot] = 1;
	misc->kmm_next = miscs;
	miscs = misc;
out:
	pthread_mutex_unlock(&chrdev_lock);
	return err;
}

void misc_deregister(struct miscdevice *misc)
{
	char path[NODE_PATH_LEN];
	struct miscdevice **pp;

	snprintf(path, sizeof(path), "/dev/%s", misc->name);
	pthread_mutex_lock(&chrdev_lock);
	for (pp = &miscs; *pp; pp = &(*pp)->kmm_next) {
		if (*pp == misc) {
			*pp = misc->kmm_next;
			break;
		}
	}
	node_remove(path);
	if (misc->minor >= 0 && misc->minor < DYNAMIC_MINORS)
		misc_minors[DYNAMIC_MINORS - 1 - misc->minor] = 0;
	pthread_mutex_unlock(&chrdev_lock);
}

static bool ranges_overlap(unsigned int a, unsigned int na, unsigned int b, unsigned int nb)
{
	return a < b + nb && b < a + na;
}

/* Claim numbers; chrdev_lock held. */
static int region_add(unsigned int major, unsigned int baseminor, unsigned int count,
		      const char *name)
{
	struct chrdev_region *r;

	if (!count || major == 0 || major >= CHRDEV_MAJOR_MAX || baseminor > MINORMASK ||
	    count - 1 > MINORMASK - baseminor)
		return -EINVAL;
	for (r = regions; r; r = r->next)
		if (r->major == major && ranges_overlap(r->baseminor, r->count, baseminor, count))
			return -EBUSY;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->major = major;
	r->baseminor = baseminor;
	r->count = count;
	r->name = name;
	r->next = regions;
	regions = r;
	return 0;
}

int register_chrdev_region(dev_t from, unsigned int count, const char *name)
{
	int err;

	pthread_mutex_lock(&chrdev_lock);
	err = region_add(MAJOR(from), MINOR(from), count, name);
	pthread_mutex_unlock(&chrdev_lock);
	return err;
}

static bool major_free(unsigned int major)
{
	for (struct chrdev_region *r = regions; r; r = r->next)
		if (r->major == major)
			return false;
	return true;
}

int alloc_chrdev_region(dev_t *dev, unsigned int baseminor, unsigned int count, const char *name)
{
	int err = -EBUSY;

	pthread_mutex_lock(&chrdev_lock);
	for (unsigned int major = DYN_MAJOR_HIGH; major >= DYN_MAJOR_LOW; major--) {
		if (!major_free(major))
			continue;
		err = region_add(major, baseminor, count, name);
		if (!err)
			*dev = MKDEV(major, baseminor);
		break;
	}
	pthread_mutex_unlock(&chrdev_lock);
	return err;
}

void unregister_chrdev_region(dev_t from, unsigned int count)
{
	struct chrdev_region **pp;

	pthread_mutex_lock(&chrdev_lock);
	for (pp = &regions; *pp; pp = &(*pp)->next) {
		struct chrdev_region *r = *pp;

		if (r->major == MAJOR(from) && r->baseminor == MINOR(from) && r->count == count) {
			*pp = r->next;
			free(r);
			break;
		}
	}
	pthread_mutex_unlock(&chrdev_lock);
}

void cdev_init(struct cdev *cdev, const struct file_operations *fops)
{
	memset(cdev, 0, sizeof(*cdev));
	cdev->ops = fops;
}

int cdev_add(struct cdev *cdev, dev_t dev, unsigned int count)
{
	int err = 0;

	if (!count)
		return -EINVAL;
	pthread_mutex_lock(&chrdev_lock);
	for (struct cdev *c = cdevs; c; c = c->kmm_next) {
		if (MAJOR(c->dev) == MAJOR(dev) &&
		    ranges_overlap(MINOR(c->dev), c->count, MINOR(dev), count)) {
			err = -EBUSY;
			break;
		}
	}
	if (!err) {
		cdev->dev = dev;
		cdev->count = count;
		cdev->kmm_next = cdevs;
		cdevs = cdev;
	}
	pthread_mutex_unlock(&chrdev_lock);
	return err;
}

void cdev_del(struct cdev *cdev)
{
	struct cdev **pp;

	pthread_mutex_lock(&chrdev_lock);
	for (pp = &cdevs; *pp; pp = &(*pp)->kmm_next) {
		if (*pp == cdev) {
			*pp = cdev->kmm_next;
			break;
		}
	}
	pthread_mutex_unlock(&chrdev_lock);
}

int chrdev_lookup(const char *path, struct inode **inode, const struct file_operations **fops,
		  void **private_data)
{
	struct dev_node **pp;
	dev_t dev;
	int err = -ENXIO;

	pthread_mutex_lock(&chrdev_lock);
	pp = node_find(path);
	if (!pp) {
		err = -ENOENT;
		goto out;
	}
	dev = (*pp)->inode.i_rdev;
	*inode = &(*pp)->inode;
	*private_data = NULL;
	if (MAJOR(dev) == MISC_MAJOR) {
		for (struct miscdevice *m = miscs; m; m = m->kmm_next) {
			if (m->minor == (int)MINOR(dev)) {
				*fops = m->fops;
				*private_data = m;
				err = 0;
				break;
			}
		}
		goto out;
	}
	for (struct cdev *c = cdevs; c; c = c->kmm_next) {
		if (MAJOR(c->dev) == MAJOR(dev) && MINOR(dev) >= MINOR(c->dev) &&
		    MINOR(dev) - MINOR(c->dev) < c->count) {
			(*inode)->i_cdev = c;
			*fops = c->ops;
			err = 0;
			break;
		}
	}
out:
	pthread_mutex_unlock(&chrdev_lock);
	return err;
}

const char *chrdev_inode_path(const struct inode *inode)
{
	return ((const struct dev_node *)((const char *)inode - offsetof(struct dev_node, inode)))
		->path;
}

void kmm_proc_devices(FILE *out)
{
	bool misc_shown = false;

	fprintf(out, "Character devices:\n");
	pthread_mutex_lock(&chrdev_lock);
	for (unsigned int major = 1; major < CHRDEV_MAJOR_MAX; major++) {
		if (major == MISC_MAJOR && miscs) {
			fprintf(out, "%3u misc\n", major);
			misc_shown = true;
		}
		for (struct chrdev_region *r = regions; r; r = r->next)
			if (r->major == major && !(major == MISC_MAJOR && misc_shown))
				fprintf(out, "%3u %s\n", major, r->name ? r->name : "");
	}
	pthread_mutex_unlock(&chrdev_lock);
	fprintf(out, "\nBlock devices:\n");
}

static void free_nodes(struct dev_node *n)
{
	while (n) {
		struct dev_node *next = n->next;

		free(n);
		n = next;
	}
}

static void chrdev_exit(void)
{
	pthread_mutex_lock(&chrdev_lock);
	free_nodes(nodes);
	free_nodes(dead_nodes);
	nodes = dead_nodes = NULL;
	while (regions) {
		struct chrdev_region *r = regions;

		regions = r->next;
		free(r);
	}
	cdevs = NULL;
	miscs = NULL;
	memset(misc_minors, 0, sizeof(misc_minors));
	pthread_mutex_unlock(&chrdev_lock);
}

kmm_initcall(fs, chrdev, NULL, chrdev_exit);
