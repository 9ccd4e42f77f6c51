/** The process's pino logger (createRootLogger), for code that writes structured lines itself. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
