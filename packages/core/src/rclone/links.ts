/**
 * rclone's `-l/--links` on the local backend stores a symbolic link as an object named
 * `NAME.rclonelink` whose content is the link's target text; `rclone copy -l` back to a
 * local directory turns such an object into the symlink again.
 */
export const RCLONE_LINK_SUFFIX = '.rclonelink';

/**
 * `dir/x.rclonelink` → `dir/x`; undefined when the name is not a link object, or when
 * dropping the suffix would leave no usable name (`.rclonelink`, `..rclonelink`).
 */
export function linkPathOf(objectPath: string): string | undefined {
  if (!objectPath.endsWith(RCLONE_LINK_SUFFIX)) return undefined;
  const path = objectPath.slice(0, -RCLONE_LINK_SUFFIX.length);
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name === '' || name === '.' || name === '..' ? undefined : path;
}
