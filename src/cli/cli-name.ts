/** The command's name, as its help and its messages give it. */
export const CLI_NAME = 'parsesphere-keys';
